using System.Collections.Concurrent;
using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.Live;

namespace SpladeFast.Server;

/// <summary>
/// One snapshot of a live index as the shards one request searches (its segments and memory buffer): leased for
/// the request, so fixed for its lifetime as <see cref="IShardSearch"/> asks, and released on dispose. Searched
/// with <see cref="LiveSearcher"/>s pooled per snapshot (<paramref name="searchers"/>, which the caller keeps for as
/// long as the snapshot lives); hits are named and their sources read through the snapshot.
/// </summary>
public sealed class LiveSnapshotSearch(SnapshotLease lease, ConcurrentBag<LiveSearcher> searchers) : IShardSearch
{
    private LiveSnapshot Snapshot => lease.Snapshot;

    public Vocabulary Vocabulary => Snapshot.Vocabulary;
    public double ImpactScale => Snapshot.ImpactScale;
    public bool HasRanges => Snapshot.HasRanges;
    public long Documents => Snapshot.DocumentCount;
    public long Postings => Snapshot.Segments.Sum(s => s.Segment.Index.PostingCount);
    public IReadOnlyList<string> ShardNames => Snapshot.Segments.Select(s => s.Segment.Name).ToList();
    public IReadOnlyList<IndexFileResponse> Files => Snapshot.Segments.Select(s => IndexFileResponse.Of(s.Segment.Index)).ToList();

    /// <exception cref="BadRequestException">bmp asked of segments without bmp data.</exception>
    public ISearchAlgorithm Algorithm(string name, int k)
    {
        var algorithm = Snapshot.Algorithm(name, k);
        if (algorithm is BlockMaxPruning && !HasRanges)
            throw new BadRequestException("bmp needs segments with bmp data (live create --bmp-range above 0)");
        return algorithm;
    }

    /// <summary>The exact top k of the snapshot's live documents (ties by sequence number), with sources when asked.</summary>
    public ShardSearchResult Search(QueryVector query, int k, ISearchAlgorithm algorithm, bool storedSources)
    {
        var snapshot = Snapshot;
        var searcher = searchers.TryTake(out var pooled) ? pooled : new LiveSearcher(snapshot);
        try
        {
            var found = searcher.Search(query, k, algorithm);
            var hits = new ShardHit[found.Length];
            for (int i = 0; i < found.Length; i++)
            {
                var location = snapshot.Locate(found[i].DocId)!.Value;
                hits[i] = new ShardHit(snapshot.DocumentId(location), found[i].Score, storedSources ? snapshot.StoredSource(location) : null);
            }
            return new ShardSearchResult(hits, []);
        }
        finally
        {
            searchers.Add(searcher);
        }
    }

    public void Dispose() => lease.Dispose();
}
