using System.Collections.Concurrent;
using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.Shards;

namespace SpladeFast.Server;

/// <summary>The index files of this process, memory-mapped, searched with pooled per-thread searchers.</summary>
public sealed class LocalShardSearch : IShardSearch
{
    private readonly ShardSet _shards;
    private readonly ConcurrentBag<IQuerySearcher> _searchers = [];

    private LocalShardSearch(ShardSet shards)
    {
        _shards = shards;
        Files = shards.Shards.Select(IndexFileResponse.Of).ToList();
    }

    /// <summary>Opens (and verifies) the index files as one collection.</summary>
    /// <exception cref="Format.IndexCorruptException">A file is damaged.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="InvalidOperationException">The files do not go together as shards.</exception>
    public static LocalShardSearch Open(IReadOnlyList<string> paths)
    {
        var shards = ShardSet.Open(paths);
        try
        {
            return new LocalShardSearch(shards);
        }
        catch
        {
            shards.Dispose();
            throw;
        }
    }

    public Vocabulary Vocabulary => _shards.Vocabulary;
    public double ImpactScale => _shards.ImpactScale;
    public bool HasRanges => _shards.HasRanges;
    public long Documents => _shards.TotalDocuments;
    public long Postings => _shards.PostingCount;
    public IReadOnlyList<string> ShardNames => _shards.Shards.Select(s => Path.GetFileName(s.Path)).ToList();
    public IReadOnlyList<IndexFileResponse> Files { get; }

    public ISearchAlgorithm Algorithm(string name, int k) => _shards.Algorithm(name, k);

    public ShardSearchResult Search(QueryVector query, int k, ISearchAlgorithm algorithm, bool storedSources)
    {
        var searcher = _searchers.TryTake(out var pooled) ? pooled : _shards.CreateSearcher();
        try
        {
            var found = searcher.Search(query, k, algorithm);
            var hits = new ShardHit[found.Length];
            for (int i = 0; i < found.Length; i++)
            {
                var (shard, local) = storedSources ? _shards.Locate(found[i].DocId) : (-1, 0u);
                hits[i] = new ShardHit(_shards.DocumentId(found[i].DocId), found[i].Score, shard < 0 ? null : _shards.Shards[shard].StoredFields?.Get(local));
            }
            return new ShardSearchResult(hits, []);
        }
        finally
        {
            _searchers.Add(searcher);
        }
    }

    public void Dispose() => _shards.Dispose();
}
