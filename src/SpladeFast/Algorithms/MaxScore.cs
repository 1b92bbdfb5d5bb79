using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// MaxScore (Turtle and Flood; PISA's maxscore_query). Lists sorted by max score; the shortest prefix whose max
/// scores sum to at most the threshold is "non-essential": a document found only there cannot enter the top k,
/// so candidates come from the essential lists and the non-essential ones are probed with NextGeq, most
/// promising first, while the document can still enter.
/// </summary>
public sealed class MaxScore : ISearchAlgorithm
{
    public string Name => "maxscore";
    public string Summary => "exact MaxScore dynamic pruning";

    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.Bounds, context.TopK);

    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, Span<long> prefixBounds, TopKQueue topK)
        where TCursor : struct, IPostingCursor
    {
        uint current = PruningSteps.PrepareMaxScore(cursors, order, prefixBounds);
        long scored = 0;
        int nonEssential = 0;
        while (nonEssential < order.Length && current != PostingCursor.End)
        {
            long score = PruningSteps.ScoreEssential(cursors, order, nonEssential, current, out uint next);
            long threshold = topK.Threshold;
            for (int i = nonEssential - 1; i >= 0 && score + prefixBounds[i] > threshold; i--)
            {
                ref var cursor = ref cursors[order[i]];
                cursor.NextGeq(current);
                if (cursor.DocId == current)
                    score += cursor.Score;
            }
            scored++;
            if (topK.Insert(current, score))
                nonEssential = PruningSteps.GrowNonEssential(prefixBounds, nonEssential, topK.Threshold);
            current = next;
        }
        return scored;
    }
}
