using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Simd;

namespace SpladeFast.Algorithms;

/// <summary>
/// Block-at-a-time block-max pruning (BMP, Mallia et al., SIGIR 2024). Documents are split into fixed docid
/// ranges; a range's upper bound is the sum over query terms of weight x the term's (byte-quantized, rounded up)
/// maximum impact there, added a whole dense row at a time with vector code. Ranges are visited in falling bound
/// order and scored from the term-major forward index of the range, until the next bound cannot beat the k-th
/// score. Needs an index built with <c>index --bmp</c>.
/// </summary>
public sealed class BlockMaxPruning : ISearchAlgorithm
{
    public string Name => "bmp";
    public string Summary => "exact block-at-a-time block-max pruning (index --bmp)";

    /// <summary>Scores come from the forward index: decoding the first block of every list would be wasted.</summary>
    public bool UsesCursors => false;

    public void Search(SearchContext context)
    {
        var ranges = context.Index.Ranges
            ?? throw new InvalidOperationException($"{context.Index.Path} has no block-max ranges: rebuild it with 'index --bmp' to use bmp");
        var query = context.DistinctQueryTerms();
        if (query.IsEmpty)
            return;
        var sums = context.RangeSums;
        ulong divisor = AddRangeBounds(ranges, query, sums);
        var heap = context.RangeCandidates(sums.Length);
        int count = 0;
        for (int r = 0; r < sums.Length; r++)
        {
            if (sums[r] == 0)
                continue;
            heap[count++] = Key(sums[r], r);
            sums[r] = 0;
        }
        var candidates = heap.AsSpan(0, count);
        for (int i = candidates.Length / 2 - 1; i >= 0; i--)
            SiftDown(candidates, i);

        var topK = context.TopK;
        var scores = context.RangeScores(ranges.RangeSize);
        long scored = 0, entries = 0;
        int documents = context.Index.DocumentCount;
        while (candidates.Length > 0)
        {
            ulong top = candidates[0];
            int range = (int)(uint.MaxValue - (uint)top);
            uint first = (uint)(range * ranges.RangeSize);
            if (!topK.CouldEnter(Bound((uint)(top >> 32), divisor), first))
                break;
            candidates[0] = candidates[^1];
            candidates = candidates[..^1];
            SiftDown(candidates, 0);

            entries += ScoreRange(ranges.Range(range), query, scores);
            int size = Math.Min(ranges.RangeSize, documents - (int)first);
            for (int d = 0; d < size; d++)
            {
                if (scores[d] == 0)
                    continue;
                topK.Insert(first + (uint)d, scores[d]);
                scores[d] = 0;
                scored++;
            }
        }
        context.DocumentsScored += scored;
        context.PostingsDecoded += entries;
    }

    /// <summary>
    /// sums[r] += W_t x q_t(r) for every query term, where W_t = ceil(w_t x termMax_t / divisor) and the divisor
    /// (a power of two, 1 for any realistic query) keeps 255 x sum(W_t) within 32 bits. Then
    /// sum(w_t x max_t(r)) &lt;= sum(w_t x termMax_t x q_t(r) / 255) &lt;= divisor x sums[r] / 255.
    /// </summary>
    private static ulong AddRangeBounds(BlockMaxRanges ranges, ReadOnlySpan<QueryTerm> query, Span<uint> sums)
    {
        ulong divisor = 1;
        while (ScaledTotal(ranges, query, divisor) * byte.MaxValue > uint.MaxValue)
            divisor *= 2;
        foreach (var term in query)
        {
            uint weight = ScaledWeight(ranges, term, divisor);
            if (ranges.IsDense(term.TermId))
            {
                RangeBoundSums.AddScaled(ranges.DenseBounds(term.TermId), weight, sums);
                continue;
            }
            var rangeIds = ranges.SparseRanges(term.TermId);
            var bounds = ranges.SparseBounds(term.TermId);
            for (int i = 0; i < rangeIds.Length; i++)
                sums[(int)rangeIds[i]] += weight * bounds[i];
        }
        return divisor;
    }

    private static ulong ScaledTotal(BlockMaxRanges ranges, ReadOnlySpan<QueryTerm> query, ulong divisor)
    {
        ulong total = 0;
        foreach (var term in query)
            total += ScaledWeight(ranges, term, divisor);
        return total;
    }

    private static uint ScaledWeight(BlockMaxRanges ranges, QueryTerm term, ulong divisor) =>
        (uint)Math.Min(uint.MaxValue, ((ulong)term.Weight * ranges.TermMaxImpact(term.TermId) + divisor - 1) / divisor);

    /// <summary>The bound in score units, rounded up.</summary>
    private static long Bound(uint sum, ulong divisor) => (long)((sum * divisor + byte.MaxValue - 1) / byte.MaxValue);

    /// <summary>Adds each query term's entries of the range to the per-document scores; returns the entries read.</summary>
    private static long ScoreRange(RangePostings postings, ReadOnlySpan<QueryTerm> query, Span<long> scores)
    {
        long entries = 0;
        var terms = postings.Terms;
        int from = 0;
        foreach (var term in query)
        {
            int found = terms[from..].BinarySearch((ushort)term.TermId);
            if (found < 0)
            {
                from += ~found;
                continue;
            }
            int pair = from + found;
            from = pair + 1;
            var docs = postings.Docs(pair);
            var impacts = postings.Impacts(pair);
            for (int i = 0; i < docs.Length; i++)
                scores[docs[i]] += (long)term.Weight * impacts[i];
            entries += docs.Length;
        }
        return entries;
    }

    /// <summary>Max-heap order: larger sum first, then the smaller range (lower docids are seen earlier).</summary>
    private static ulong Key(uint sum, int range) => (ulong)sum << 32 | (uint.MaxValue - (uint)range);

    private static void SiftDown(Span<ulong> heap, int index)
    {
        if (index >= heap.Length)
            return;
        ulong item = heap[index];
        while (true)
        {
            int child = 2 * index + 1;
            if (child >= heap.Length)
                break;
            if (child + 1 < heap.Length && heap[child + 1] > heap[child])
                child++;
            if (heap[child] <= item)
                break;
            heap[index] = heap[child];
            index = child;
        }
        heap[index] = item;
    }
}
