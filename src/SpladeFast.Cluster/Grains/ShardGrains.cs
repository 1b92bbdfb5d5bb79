using Orleans.Concurrency;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Cluster.Placement;

namespace SpladeFast.Cluster.Grains;

/// <summary>Lists the silo's shards from its <see cref="ShardCatalog"/>.</summary>
[SiloPinnedPlacement]
public sealed class SiloShardsGrain(ShardCatalog catalog) : Grain, ISiloShardsGrain
{
    public Task<ShardDescription[]> Shards() => Task.FromResult(catalog.Describe());
}

/// <summary>
/// Answers one shard's queries on the silo that holds its file. Reentrant, with the search on the thread pool:
/// one activation answers many queries at once (the catalog pools a search context per running query).
/// </summary>
[SiloPinnedPlacement, Reentrant]
public sealed class ShardReplicaGrain(ShardCatalog catalog) : Grain, IShardReplicaGrain
{
    private string Shard => SiloKeys.TryParse(this.GetPrimaryKeyString(), out _, out var shard) && shard is not null
        ? shard : throw new ArgumentException($"replica key '{this.GetPrimaryKeyString()}' names no shard");

    public Task<ShardAnswer> Search(ShardQuery query)
    {
        string shard = Shard;
        return Task.Run(() => catalog.Search(shard, query));
    }

    public Task<string[]> Tokens() => Task.FromResult(catalog.Tokens(Shard));
}
