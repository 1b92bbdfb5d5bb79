using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// BlockMax-MaxScore (Chakrabarti et al.; PISA's block_max_maxscore_query): MaxScore whose non-essential lists
/// are first bounded by their current block maxima, so most candidates are discarded without a NextGeq.
/// </summary>
public sealed class BlockMaxMaxScore : ISearchAlgorithm
{
    public string Name => "block_max_maxscore";
    public string Summary => "exact BlockMax-MaxScore dynamic pruning";

    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.Bounds, context.TopK);

    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, Span<long> prefixBounds, TopKQueue topK)
        where TCursor : struct, IBlockMaxCursor
    {
        int n = cursors.Length;
        if (n == 0)
            return 0;
        CursorOrder.ByMaxScore(cursors, order);
        long sum = 0;
        for (int i = 0; i < n; i++)
            prefixBounds[i] = sum += cursors[order[i]].MaxScore;

        long scored = 0;
        int nonEssential = 0;
        uint current = PostingCursor.End;
        foreach (ref var cursor in cursors)
            current = Math.Min(current, cursor.DocId);
        while (nonEssential < n && current != PostingCursor.End)
        {
            long score = 0;
            uint next = PostingCursor.End;
            for (int i = nonEssential; i < n; i++)
            {
                ref var cursor = ref cursors[order[i]];
                if (cursor.DocId == current)
                {
                    score += cursor.Score;
                    cursor.Next();
                }
                next = Math.Min(next, cursor.DocId);
            }
            long threshold = topK.Threshold;
            bool candidate = nonEssential == 0 || score + prefixBounds[nonEssential - 1] > threshold;
            if (candidate && nonEssential > 0)
            {
                // Tighten the non-essential bound with block maxima (skip-table reads only).
                long blockBound = 0;
                for (int i = nonEssential - 1; i >= 0; i--)
                {
                    ref var cursor = ref cursors[order[i]];
                    cursor.ShallowNextGeq(current);
                    blockBound += cursor.BlockMaxScore;
                }
                candidate = score + blockBound > threshold;
                // Evaluate the most promising lists first; each real score replaces that list's block bound.
                for (int i = nonEssential - 1; candidate && i >= 0; i--)
                {
                    ref var cursor = ref cursors[order[i]];
                    blockBound -= cursor.BlockMaxScore;
                    cursor.NextGeq(current);
                    if (cursor.DocId == current)
                        score += cursor.Score;
                    candidate = score + blockBound > threshold;
                }
            }
            if (candidate)
            {
                scored++;
                if (topK.Insert(current, score))
                {
                    threshold = topK.Threshold;
                    while (nonEssential < n && prefixBounds[nonEssential] <= threshold)
                        nonEssential++;
                }
            }
            current = next;
        }
        return scored;
    }
}
