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
    /// <inheritdoc/>
    public string Name => "maxscore";
    /// <inheritdoc/>
    public string Summary => "exact MaxScore dynamic pruning";

    /// <inheritdoc/>
    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.DocIds, context.Bounds, context.TopK);

    /// <param name="cursors">Reordered by ascending max score.</param>
    /// <param name="docIds">Scratch of cursors + <see cref="CursorDocIds.Padding"/> slots.</param>
    /// <param name="order">Scratch of one slot per cursor (the permutation that sorts them).</param>
    /// <param name="prefixBounds">Scratch of one slot per cursor: the sums of the sorted cursors' max scores.</param>
    /// <param name="topK">Receives the hits; its threshold may start above 0 (a safe initial threshold).</param>
    /// <returns>The number of documents scored.</returns>
    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, Span<uint> docIds, Span<long> prefixBounds, TopKQueue topK)
        where TCursor : struct, IPostingCursor
    {
        int nonEssential = PruningSteps.PrepareMaxScore(cursors, order, docIds, prefixBounds, topK.Threshold);
        uint current = PruningSteps.FirstCandidate(docIds, nonEssential, cursors.Length);
        long scored = 0;
        while (nonEssential < cursors.Length && current != PostingCursor.End)
        {
            long score = CursorDocIds.ScoreAndAdvance(cursors, docIds, nonEssential, current, out uint next);
            long threshold = topK.Threshold;
            // Non-essential docids are not kept in docIds: no later scan reads them.
            int i = nonEssential - 1;
            for (; i >= 0 && score + prefixBounds[i] > threshold; i--)
            {
                ref var cursor = ref cursors[i];
                cursor.NextGeq(current);
                if (cursor.DocId == current)
                    score += cursor.Score;
            }
            // Offered only when every list was read and the score beats the threshold (PISA skips a pruned document
            // the same way): most candidates never reach the queue, so no call for them.
            if (i < 0)
            {
                scored++;
                if (score > threshold && topK.Insert(current, score))
                    nonEssential = PruningSteps.GrowNonEssential(prefixBounds, nonEssential, topK.Threshold);
            }
            current = next;
        }
        return scored;
    }
}
