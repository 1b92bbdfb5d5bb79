using SpladeFast.Algorithms;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Live;
using SpladeFast.Shards;

namespace SpladeFast.Cli;

/// <summary>
/// What query and bench search: one index or shards (<see cref="ShardSet"/>), or a live index directory, read-only
/// at its newest state (<see cref="LiveSnapshot"/>; hits carry sequence numbers, which <see cref="DocumentId"/> resolves).
/// </summary>
internal sealed class SearchTarget : IDisposable
{
    private readonly LiveIndex? _live;
    private readonly SnapshotLease _lease;

    private SearchTarget(ShardSet? shards, LiveIndex? live)
    {
        Shards = shards;
        _live = live;
        if (live is not null)
            _lease = live.Acquire();
    }

    /// <summary>The index files, or null for a live index.</summary>
    public ShardSet? Shards { get; }

    public LiveSnapshot? Snapshot => _live is null ? null : _lease.Snapshot;

    /// <summary>A live index when <paramref name="paths"/> is one live index directory, else the index files as shards.</summary>
    public static SearchTarget Open(IReadOnlyList<string> paths, IndexStorageKind storage = IndexStorageKind.MemoryMapped, bool verifyChecksums = true)
    {
        if (paths.Count == 1 && LiveIndex.IsLiveIndex(paths[0]))
        {
            var live = LiveIndex.Open(paths[0], readOnly: true, storage);
            try
            {
                return new SearchTarget(null, live);
            }
            catch
            {
                live.Dispose();
                throw;
            }
        }
        return new SearchTarget(ShardSet.Open(paths, storage, verifyChecksums), null);
    }

    public Vocabulary Vocabulary => Shards?.Vocabulary ?? Snapshot!.Vocabulary;
    public double ImpactScale => Shards?.ImpactScale ?? Snapshot!.ImpactScale;
    public bool HasRanges => Shards?.HasRanges ?? Snapshot!.HasRanges;

    /// <summary>The documents one part (shard or segment) holds at most or on average: what a per-part top-k is deep against.</summary>
    public long DocumentsPerPart => Shards?.DocumentsPerShard ?? (Snapshot!.Segments.Count == 0 ? 0 : Snapshot.Segments.Max(s => (long)s.Segment.DocumentCount));

    public long DocumentCount => Shards?.TotalDocuments ?? Snapshot!.DocumentCount;

    public ISearchAlgorithm Algorithm(string name, int k) => Shards?.Algorithm(name, k) ?? Snapshot!.Algorithm(name, k);

    public string DocumentId(uint docId) => Shards is { } shards ? shards.DocumentId(docId) : Snapshot!.DocumentId(docId);

    /// <summary>A hit's stored source (JSON without the vector), or null when its index stores none.</summary>
    public byte[]? StoredSource(uint docId)
    {
        if (Shards is { } shards)
        {
            var (shard, local) = shards.Locate(docId);
            return shard < 0 ? null : shards.Shards[shard].StoredFields?.Get(local);
        }
        return Snapshot!.Locate(docId) is { } location ? Snapshot.StoredSource(location) : null;
    }

    /// <summary>A new searcher over the target (one per thread): one index, shards, or the live snapshot's segments.</summary>
    public IQuerySearcher CreateSearcher() => Shards is { } shards ? shards.CreateSearcher() : new LiveSearcher(Snapshot!);

    public QueryRunResult Run(IReadOnlyList<QueryVector> queries, QueryRunOptions options) => QueryRunner.Run(CreateSearcher, queries, options);

    public AlgorithmComparison.Result Compare(IReadOnlyList<QueryVector> queries, IReadOnlyList<ISearchAlgorithm> algorithms, QueryRunOptions options)
    {
        if (Shards is { } shards)
        {
            if (shards.Shards.Count != 1)
                throw new ArgumentException("bench latency takes one index file or one live index directory");
        }
        return AlgorithmComparison.Run(CreateSearcher, queries, algorithms, options);
    }

    /// <summary>How the target reads in a report.</summary>
    public string Describe() => Shards is { } shards
        ? (shards.Shards.Count == 1 ? shards.Shards[0].Path : $"{shards.Shards.Count} shards")
        : $"{_live!.Directory} (live: {Snapshot!.Segments.Count} segments, {Snapshot.BufferLiveDocuments:N0} buffered documents)";

    public void Dispose()
    {
        Shards?.Dispose();
        if (_live is not null)
        {
            _lease.Dispose();
            _live.Dispose();
        }
    }
}
