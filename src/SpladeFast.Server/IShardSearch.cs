using SpladeFast.Algorithms;
using SpladeFast.Ingest;

namespace SpladeFast.Server;

/// <summary>
/// A document found: its id, its integer score (quantized impact x quantized query weight) and, when asked for, its
/// stored source (JSON without the vector; null when its index stores none).
/// </summary>
public readonly record struct ShardHit(string Id, long Score, byte[]? Source = null);

/// <summary>The exact top k of the shards that answered, best first; <paramref name="MissingShards"/> empty: every shard did.</summary>
public sealed record ShardSearchResult(IReadOnlyList<ShardHit> Hits, IReadOnlyList<string> MissingShards);

/// <summary>
/// The shards a <see cref="SearchService"/> generation answers from: the index files of this process
/// (<see cref="LocalShardSearch"/>) or the shards of a cluster. Fixed for its lifetime (vocabulary, shard files);
/// disposed when the last request using it ends.
/// </summary>
public interface IShardSearch : IDisposable
{
    /// <summary>Every shard's tokens; query term ids are this vocabulary's.</summary>
    Vocabulary Vocabulary { get; }

    /// <summary>Integer scores divided by this (and the query weight scale) are float scores.</summary>
    double ImpactScale { get; }

    /// <summary>Whether every shard has bmp range data.</summary>
    bool HasRanges { get; }

    long Documents { get; }
    long Postings { get; }
    IReadOnlyList<string> ShardNames { get; }
    IReadOnlyList<IndexFileResponse> Files { get; }

    /// <summary>The algorithm a name asks for at depth <paramref name="k"/>, auto resolved for these shards.</summary>
    ISearchAlgorithm Algorithm(string name, int k);

    /// <summary>
    /// The exact top <paramref name="k"/> of the shards that answer, ties by global input ordinal, with each hit's
    /// stored source when <paramref name="storedSources"/>.
    /// </summary>
    /// <exception cref="BadRequestException">Stored sources asked of shards that cannot return them.</exception>
    ShardSearchResult Search(QueryVector query, int k, ISearchAlgorithm algorithm, bool storedSources);
}
