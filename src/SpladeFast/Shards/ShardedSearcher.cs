using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Shards;

/// <summary>
/// Answers a query on every shard and merges to the exact global top-k. Each shard's top-k holds every global
/// top-k hit of that shard, because a shard's input ordinals follow global order (ties break the same way). The
/// merge ranks hits by global input ordinal and returns global docids. The shards share one threshold, as a live
/// index's segments do: each shard after the first is searched from the k-th best score merged so far (a floor that
/// ties still reach, so the merge by ordinal stays exact), like PISA's range queries sharing their top-k state.
/// One per thread; query term ids are the <see cref="ShardSet.Vocabulary"/>'s.
/// </summary>
public sealed class ShardedSearcher(ShardSet shards) : IQuerySearcher
{
    private readonly SearchContext[] _contexts = shards.Shards.Select(s => new SearchContext(s)).ToArray();
    private readonly TopKQueue _merged = new();
    private SearchHit[] _results = new SearchHit[16];

    /// <inheritdoc/>
    public bool InitialThreshold
    {
        get => _contexts.All(c => c.InitialThreshold);
        set
        {
            foreach (var context in _contexts)
                context.InitialThreshold = value;
        }
    }

    /// <inheritdoc/>
    public long DocumentsScored => _contexts.Sum(c => c.DocumentsScored);
    /// <inheritdoc/>
    public long PostingsDecoded => _contexts.Sum(c => c.PostingsDecoded);

    /// <inheritdoc/>
    public void ResetCounters()
    {
        foreach (var context in _contexts)
            context.ResetCounters();
    }

    /// <inheritdoc/>
    public ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor = 1)
    {
        _merged.Reset(k);
        for (int s = 0; s < _contexts.Length; s++)
        {
            long floor = Math.Max(_contexts[s].Floor, _merged.IsFull ? _merged.Threshold : 0);
            foreach (var hit in _contexts[s].Search(shards.Terms.LocalQuery(query, s), k, algorithm, thresholdFactor, floor, deleted: null))
                _merged.Insert(shards.GlobalOrdinal(s, hit.DocId), hit.Score);
        }
        if (_results.Length < k)
            _results = new SearchHit[k];
        var results = _results.AsSpan(0, _merged.CopySortedTo(_results));
        foreach (ref var hit in results)
        {
            var (shard, local) = shards.LocateOrdinal(hit.DocId);
            hit = hit with { DocId = shards.GlobalDocId(shard, local) };
        }
        return results;
    }
}
