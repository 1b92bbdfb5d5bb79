using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Shards;

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
