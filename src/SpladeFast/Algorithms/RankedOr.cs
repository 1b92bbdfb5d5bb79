using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>Exhaustive document-at-a-time disjunction: every matching document is scored. The reference.</summary>
public sealed class RankedOr : ISearchAlgorithm
{
    public string Name => "ranked_or";
    public string Summary => "exhaustive document-at-a-time (reference)";

    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.TopK);

    public static long Run<TCursor>(Span<TCursor> cursors, TopKQueue topK)
        where TCursor : struct, IPostingCursor
    {
        long scored = 0;
        uint current = PostingCursor.End;
        foreach (ref var cursor in cursors)
            current = Math.Min(current, cursor.DocId);
        while (current != PostingCursor.End)
        {
            long score = 0;
            uint next = PostingCursor.End;
            foreach (ref var cursor in cursors)
            {
                if (cursor.DocId == current)
                {
                    score += cursor.Score;
                    cursor.Next();
                }
                next = Math.Min(next, cursor.DocId);
            }
            topK.Insert(current, score);
            scored++;
            current = next;
        }
        return scored;
    }
}
