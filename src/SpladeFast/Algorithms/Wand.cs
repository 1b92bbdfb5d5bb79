using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// WAND (Broder et al.; PISA's wand_query). Cursors kept in docid order; the pivot is the first cursor at which
/// the summed max scores could beat the threshold. Only when every cursor before it sits on the pivot document is
/// that document scored; otherwise a cursor before the pivot jumps to it.
/// </summary>
public sealed class Wand : ISearchAlgorithm
{
    /// <inheritdoc/>
    public string Name => "wand";
    /// <inheritdoc/>
    public string Summary => "exact WAND dynamic pruning";

    /// <inheritdoc/>
    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.TopK);

    /// <summary>Runs the algorithm over opened cursors.</summary>
    /// <param name="cursors">One per query term, at their first posting.</param>
    /// <param name="order">Scratch of one slot per cursor: the cursors' positions, kept sorted by docid.</param>
    /// <param name="topK">Receives the hits; its threshold may start above 0 (a safe initial threshold).</param>
    /// <returns>The number of documents scored.</returns>
    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, TopKQueue topK)
        where TCursor : struct, Cursors.IPostingCursor
    {
        CursorOrder.Identity(order);
        CursorOrder.ByDocId(cursors, order);
        long scored = 0;
        int pivot;
        while ((pivot = PruningSteps.FindPivot(cursors, order, topK.Threshold)) >= 0)
        {
            uint pivotDoc = cursors[order[pivot]].DocId;
            if (cursors[order[0]].DocId == pivotDoc)
            {
                topK.Insert(pivotDoc, PruningSteps.ScorePivot(cursors, order, pivotDoc));
                scored++;
                CursorOrder.ByDocId(cursors, order);
            }
            else
            {
                PruningSteps.AdvanceToPivot(cursors, order, pivot, pivotDoc);
            }
        }
        return scored;
    }
}
