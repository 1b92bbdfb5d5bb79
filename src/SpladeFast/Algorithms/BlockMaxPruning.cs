using SpladeFast.Format;
using SpladeFast.Index;

namespace SpladeFast.Algorithms;

/// <summary>
/// Block-at-a-time block-max pruning (BMP, Mallia et al., SIGIR 2024). Documents are split into fixed docid
/// ranges; each range's upper bound is the sum over query terms of weight x the term's maximum impact in that
/// range. Ranges are visited in falling bound order and their documents scored from the forward index, until the
/// next bound cannot beat the k-th score. Needs an index built with <c>index --bmp</c>.
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
        var bounds = context.RangeBounds;
        var weights = context.TermWeights;
        var terms = context.Query.Terms;
        foreach (var term in terms)
        {
            if ((uint)term.TermId >= (uint)weights.Length)
                continue;
            weights[term.TermId] += term.Weight;
            foreach (var entry in ranges.TermRanges(term.TermId))
                bounds[entry.Range] += (long)term.Weight * entry.MaxImpact;
        }

        int count = 0;
        var candidates = context.Candidates(bounds.Length);
        for (int r = 0; r < bounds.Length; r++)
        {
            if (bounds[r] == 0)
                continue;
            candidates[count++] = (bounds[r], r);
            bounds[r] = 0;
        }
        var heap = candidates.AsSpan(0, count);
        Heapify(heap);

        var topK = context.TopK;
        long scored = 0, postings = 0;
        int size = ranges.RangeSize, documents = context.Index.DocumentCount;
        while (heap.Length > 0)
        {
            var (bound, range) = heap[0];
            uint first = (uint)(range * size);
            if (!topK.CouldEnter(bound, first))
                break;
            heap[0] = heap[^1];
            heap = heap[..^1];
            SiftDown(heap, 0);
            uint end = (uint)Math.Min(documents, (long)first + size);
            for (uint doc = first; doc < end; doc++)
            {
                var entries = ranges.Document(doc);
                long score = 0;
                foreach (var entry in entries)
                    score += (long)weights[entry.Term] * entry.Impact;
                postings += entries.Length;
                if (score > 0)
                {
                    topK.Insert(doc, score);
                    scored++;
                }
            }
        }
        foreach (var term in terms)
        {
            if ((uint)term.TermId < (uint)weights.Length)
                weights[term.TermId] = 0;
        }
        context.DocumentsScored += scored;
        context.PostingsDecoded += postings;
    }

    private static void Heapify(Span<(long Bound, int Range)> heap)
    {
        for (int i = heap.Length / 2 - 1; i >= 0; i--)
            SiftDown(heap, i);
    }

    /// <summary>Max-heap by bound; equal bounds put the smaller range first so lower docids are seen earlier.</summary>
    private static void SiftDown(Span<(long Bound, int Range)> heap, int index)
    {
        var item = heap.Length > index ? heap[index] : default;
        while (true)
        {
            int child = 2 * index + 1;
            if (child >= heap.Length)
                break;
            if (child + 1 < heap.Length && Before(heap[child + 1], heap[child]))
                child++;
            if (!Before(heap[child], item))
                break;
            heap[index] = heap[child];
            index = child;
        }
        if (heap.Length > index)
            heap[index] = item;
    }

    private static bool Before((long Bound, int Range) a, (long Bound, int Range) b) =>
        a.Bound > b.Bound || (a.Bound == b.Bound && a.Range < b.Range);
}
