using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>Answers queries one at a time with reusable state: one per thread.</summary>
public interface IQuerySearcher
{
    /// <summary>The hits, best first; valid until the next call.</summary>
    ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor = 1);

    /// <summary>
    /// Whether queries start from the safe threshold of the index's per-term k-th impacts (exact either way; on by
    /// default, off to measure what it saves).
    /// </summary>
    bool InitialThreshold { get; set; }

    /// <summary>Documents fully scored since the last <see cref="ResetCounters"/>.</summary>
    long DocumentsScored { get; }
    /// <summary>Postings decoded since the last <see cref="ResetCounters"/>.</summary>
    long PostingsDecoded { get; }
    /// <summary>Sets the work counters to 0.</summary>
    void ResetCounters();
}

/// <summary>
/// A searcher that answers a whole query set in batches (a GPU's kernel launches), with the same hits as one query
/// at a time. Query runs hand it every query at once (<see cref="SearchAll"/>) instead of calling
/// <see cref="IQuerySearcher.Search"/> per query, and charge each query its batch's time divided by its queries.
/// </summary>
public interface IBatchQuerySearcher : IQuerySearcher
{
    /// <summary>The name reports give its answers (a batch searcher may use no <see cref="ISearchAlgorithm"/>).</summary>
    string Name { get; }

    /// <summary>The hits of every query, best first; <paramref name="batchDone"/> gets the queries answered so far after each batch.</summary>
    SearchHit[][] SearchAll(IReadOnlyList<QueryVector> queries, int k, Action<int>? batchDone);
}
