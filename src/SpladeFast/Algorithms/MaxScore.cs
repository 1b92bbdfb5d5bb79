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
            for (int i = nonEssential - 1; i >= 0; i--)
            {
                if (score + prefixBounds[i] <= threshold)
                    break;
                ref var cursor = ref cursors[order[i]];
                cursor.NextGeq(current);
                if (cursor.DocId == current)
                    score += cursor.Score;
            }
            scored++;
            if (topK.Insert(current, score))
            {
                threshold = topK.Threshold;
                while (nonEssential < n && prefixBounds[nonEssential] <= threshold)
                    nonEssential++;
            }
            current = next;
        }
        return scored;
    }
}
