using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>Exhaustive document-at-a-time disjunction: every matching document is scored. The reference.</summary>
public sealed class RankedOr : ISearchAlgorithm
{
    /// <inheritdoc/>
    public string Name => "ranked_or";
    /// <inheritdoc/>
    public string Summary => "exhaustive document-at-a-time (reference)";

    /// <inheritdoc/>
    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.DocIds, context.TopK);

    /// <param name="docIds">Scratch of cursors + <see cref="CursorDocIds.Padding"/> slots.</param>
    /// <param name="cursors">One per query term, unopened or at their first posting.</param>
    /// <param name="topK">Receives every matching document's score.</param>
    /// <returns>The number of documents scored.</returns>
    public static long Run<TCursor>(Span<TCursor> cursors, Span<uint> docIds, TopKQueue topK)
        where TCursor : struct, IPostingCursor
    {
        CursorDocIds.Fill(cursors, docIds);
        long scored = 0;
        uint current = PruningSteps.FirstCandidate(docIds, cursors.Length);
        while (current != PostingCursor.End)
        {
            long score = CursorDocIds.ScoreAndAdvance(cursors, docIds, current, out uint next);
            topK.Insert(current, score);
            scored++;
            current = next;
        }
        return scored;
    }
}
