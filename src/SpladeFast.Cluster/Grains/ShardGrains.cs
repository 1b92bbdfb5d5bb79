using Orleans.Concurrency;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Cluster.Placement;

namespace SpladeFast.Cluster.Grains;

/// <summary>
/// Serves the silo's <see cref="ShardCatalog"/>. Reentrant, with the searches and writes on the thread pool: one
/// activation answers many queries at once, and the shards of one query in parallel (the catalog pools a search
/// context per running search); a live shard's writes are serialized by its live index.
/// </summary>
[SiloPinnedPlacement, Reentrant]
public sealed class SiloShardsGrain(ShardCatalog catalog) : Grain, ISiloShardsGrain
{
    public Task<ShardDescription[]> Shards() => Task.FromResult(catalog.Describe());

    public Task<string[]> Tokens(string shard, ulong checksum, int from) => Task.FromResult(catalog.Tokens(shard, checksum, from));

    /// <summary>On the thread pool: the write waits for its log record's fsync.</summary>
    public Task<LiveWriteAnswer> Add(string shard, byte[][] lines, long[] positions) => Task.Run(() => catalog.Add(shard, lines, positions));

    public Task<LiveWriteAnswer> Delete(string shard, string[] ids) => Task.Run(() => catalog.Delete(shard, ids));

    public Task<ShardAnswer[]> Search(string[] shards, ShardQuery[] queries)
    {
        if (shards.Length != queries.Length)
            throw new ArgumentException($"{shards.Length} shards but {queries.Length} queries");
        return shards.Length == 1
            ? Task.Run(() => new[] { catalog.Search(shards[0], queries[0]) })
            : Task.WhenAll(shards.Select((shard, i) => Task.Run(() => catalog.Search(shard, queries[i]))));
    }
}
