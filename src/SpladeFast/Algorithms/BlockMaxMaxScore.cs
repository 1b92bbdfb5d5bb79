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
        uint current = PruningSteps.PrepareMaxScore(cursors, order, prefixBounds);
        long scored = 0;
        int nonEssential = 0;
        while (nonEssential < order.Length && current != PostingCursor.End)
        {
            long score = PruningSteps.ScoreEssential(cursors, order, nonEssential, current, out uint next);
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
                    nonEssential = PruningSteps.GrowNonEssential(prefixBounds, nonEssential, topK.Threshold);
            }
            current = next;
        }
        return scored;
    }
}
