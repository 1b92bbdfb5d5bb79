using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// Exhaustive term-at-a-time: each list adds into per-document accumulators, then one pass over the
/// accumulators (in docid order, clearing them for the next query) selects the top k.
/// </summary>
public sealed class RankedOrTaat : ISearchAlgorithm
{
    /// <inheritdoc/>
    public string Name => "ranked_or_taat";
    /// <inheritdoc/>
    public string Summary => "exhaustive term-at-a-time with accumulators (reference)";

    /// <inheritdoc/>
    public void Search(SearchContext context)
    {
        Accumulate(context.Cursors, context.Accumulators);
        context.DocumentsScored += Collect(context.Accumulators, context.TopK, skippedRanges: [], rangeSize: 1);
    }

    /// <summary>Adds every posting's score into its document's accumulator, exhausting the cursors.</summary>
    internal static void Accumulate(Span<BlockPostingCursor> cursors, long[] accumulators)
    {
        foreach (ref var cursor in cursors)
        {
            for (; cursor.DocId != PostingCursor.End; cursor.Next())
                accumulators[cursor.DocId] += cursor.Score;
        }
    }

    /// <summary>
    /// Offers every document with a non-zero accumulator to <paramref name="topK"/>, except those of the ranges
    /// (docid / <paramref name="rangeSize"/>) whose bit is set in <paramref name="skippedRanges"/> (already
    /// offered by bmp), and zeroes all accumulators. Returns the documents offered.
    /// </summary>
    internal static long Collect(long[] accumulators, TopKQueue topK, ReadOnlySpan<ulong> skippedRanges, int rangeSize)
    {
        long scored = 0;
        for (int doc = 0; doc < accumulators.Length; doc++)
        {
            long score = accumulators[doc];
            if (score == 0)
                continue;
            accumulators[doc] = 0;
            if (skippedRanges.Length != 0 && (skippedRanges[doc / rangeSize >> 6] & 1UL << (doc / rangeSize)) != 0)
                continue;
            topK.Insert((uint)doc, score);
            scored++;
        }
        return scored;
    }
}
