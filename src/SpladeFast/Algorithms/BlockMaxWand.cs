using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// BlockMax-WAND (Ding and Suel; PISA's block_max_wand_query). After WAND finds a pivot, the block maxima of the
/// lists up to the pivot (read from the skip table, no decoding) give a tighter bound; if even that cannot beat
/// the threshold, the cursor with the largest max score jumps past the end of the nearest block boundary.
/// </summary>
public sealed class BlockMaxWand : ISearchAlgorithm
{
    /// <inheritdoc/>
    public string Name => "block_max_wand";
    /// <inheritdoc/>
    public string Summary => "exact BlockMax-WAND dynamic pruning";

    /// <inheritdoc/>
    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.TopK);

    /// <summary>Runs the algorithm over opened cursors.</summary>
    /// <param name="cursors">One per query term, at their first posting.</param>
    /// <param name="order">Scratch of one slot per cursor: the cursors' positions, kept sorted by docid.</param>
    /// <param name="topK">Receives the hits; its threshold may start above 0 (a safe initial threshold).</param>
    /// <returns>The number of documents scored.</returns>
    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, TopKQueue topK)
        where TCursor : struct, IBlockMaxCursor
    {
        CursorOrder.Identity(order);
        CursorOrder.ByDocId(cursors, order);
        long scored = 0;
        int pivot;
        long threshold;
        while ((pivot = PruningSteps.FindPivot(cursors, order, threshold = topK.Threshold)) >= 0)
        {
            uint pivotDoc = cursors[order[pivot]].DocId;
            while (pivot + 1 < order.Length && cursors[order[pivot + 1]].DocId == pivotDoc)
                pivot++;

            long blockBound = 0;
            for (int i = 0; i <= pivot; i++)
            {
                ref var cursor = ref cursors[order[i]];
                cursor.ShallowNextGeq(pivotDoc);
                blockBound += cursor.BlockMaxScore;
            }

            if (blockBound > threshold)
            {
                if (cursors[order[0]].DocId != pivotDoc)
                {
                    PruningSteps.AdvanceToPivot(cursors, order, pivot, pivotDoc);
                    continue;
                }
                // Replace each list's block bound by its real score; stop once the document cannot enter.
                long score = 0;
                for (int i = 0; i <= pivot && blockBound > threshold; i++)
                {
                    ref var cursor = ref cursors[order[i]];
                    long part = cursor.Score;
                    score += part;
                    blockBound -= cursor.BlockMaxScore - part;
                }
                for (int i = 0; i <= pivot; i++)
                    cursors[order[i]].Next();
                if (blockBound > threshold)
                    topK.Insert(pivotDoc, score);
                scored++;
                CursorOrder.ByDocId(cursors, order);
                continue;
            }

            // No document up to the nearest block end among the pivot lists can enter: skip past it.
            int jumper = pivot;
            long next = PostingCursor.End;
            for (int i = 0; i <= pivot; i++)
            {
                ref var cursor = ref cursors[order[i]];
                if (cursor.MaxScore > cursors[order[jumper]].MaxScore)
                    jumper = i;
                next = Math.Min(next, (long)cursor.BlockLastDocId + 1);
            }
            if (pivot + 1 < order.Length)
                next = Math.Min(next, cursors[order[pivot + 1]].DocId);
            cursors[order[jumper]].NextGeq((uint)Math.Clamp(next, pivotDoc + 1L, PostingCursor.End));
            CursorOrder.SinkAfterAdvance(cursors, order, jumper);
        }
        return scored;
    }
}
