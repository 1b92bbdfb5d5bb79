using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// WAND (Broder et al.; PISA's wand_query). Cursors kept in docid order; the pivot is the first cursor at which
/// the summed max scores could beat the threshold. Only when every cursor before it sits on the pivot document is
/// that document scored; otherwise a cursor before the pivot jumps to it.
/// </summary>
public sealed class Wand : ISearchAlgorithm
{
    public string Name => "wand";
    public string Summary => "exact WAND dynamic pruning";

    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.TopK);

    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, TopKQueue topK)
        where TCursor : struct, IPostingCursor
    {
        CursorOrder.Identity(order);
        CursorOrder.ByDocId(cursors, order);
        long scored = 0;
        while (true)
        {
            long threshold = topK.Threshold, bound = 0;
            int pivot = 0;
            for (; pivot < order.Length; pivot++)
            {
                ref var cursor = ref cursors[order[pivot]];
                if (cursor.DocId == PostingCursor.End)
                    break;
                bound += cursor.MaxScore;
                if (bound > threshold)
                    break;
            }
            if (pivot == order.Length || cursors[order[pivot]].DocId == PostingCursor.End)
                return scored;
            uint pivotDoc = cursors[order[pivot]].DocId;
            if (cursors[order[0]].DocId == pivotDoc)
            {
                long score = 0;
                for (int i = 0; i < order.Length; i++)
                {
                    ref var cursor = ref cursors[order[i]];
                    if (cursor.DocId != pivotDoc)
                        break;
                    score += cursor.Score;
                    cursor.Next();
                }
                topK.Insert(pivotDoc, score);
                scored++;
                CursorOrder.ByDocId(cursors, order);
            }
            else
            {
                int mover = pivot;
                while (cursors[order[mover]].DocId == pivotDoc)
                    mover--;
                cursors[order[mover]].NextGeq(pivotDoc);
                CursorOrder.SinkAfterAdvance(cursors, order, mover);
            }
        }
    }
}
