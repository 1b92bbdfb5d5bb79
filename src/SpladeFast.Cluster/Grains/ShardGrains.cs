using Orleans.Concurrency;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Cluster.Placement;

namespace SpladeFast.Cluster.Grains;

/// <summary>
/// Serves the silo's <see cref="ShardCatalog"/>. Reentrant, with the searches on the thread pool: one activation
/// answers many queries at once, and the shards of one query in parallel (the catalog pools a search context per
/// running search).
/// </summary>
[SiloPinnedPlacement, Reentrant]
public sealed class SiloShardsGrain(ShardCatalog catalog) : Grain, ISiloShardsGrain
{
    public Task<ShardDescription[]> Shards() => Task.FromResult(catalog.Describe());

    public Task<string[]> Tokens(string shard, ulong checksum) => Task.FromResult(catalog.Tokens(shard, checksum));

    public Task<ShardAnswer[]> Search(string[] shards, ShardQuery[] queries)
    {
        if (shards.Length != queries.Length)
            throw new ArgumentException($"{shards.Length} shards but {queries.Length} queries");
        return shards.Length == 1
            ? Task.Run(() => new[] { catalog.Search(shards[0], queries[0]) })
            : Task.WhenAll(shards.Select((shard, i) => Task.Run(() => catalog.Search(shard, queries[i]))));
    }
}
