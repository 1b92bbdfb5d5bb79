using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// BlockMax-MaxScore (Chakrabarti et al.; PISA's block_max_maxscore_query): MaxScore whose non-essential lists
/// are first bounded by their current block maxima, so most candidates are discarded without a NextGeq.
/// </summary>
public sealed class BlockMaxMaxScore : ISearchAlgorithm
{
    /// <inheritdoc/>
    public string Name => "block_max_maxscore";
    /// <inheritdoc/>
    public string Summary => "exact BlockMax-MaxScore dynamic pruning";

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
        where TCursor : struct, IBlockMaxCursor
    {
        int nonEssential = PruningSteps.PrepareMaxScore(cursors, order, prefixBounds, topK.Threshold);
        CursorDocIds.Fill(cursors, docIds);
        uint current = PruningSteps.FirstCandidate(docIds, nonEssential, cursors.Length);
        long scored = 0;
        while (nonEssential < cursors.Length && current != PostingCursor.End)
        {
            long score = CursorDocIds.ScoreAndAdvance(cursors, docIds, nonEssential, current, out uint next);
            long threshold = topK.Threshold;
            bool candidate = nonEssential == 0 || score + prefixBounds[nonEssential - 1] > threshold;
            if (candidate && nonEssential > 0)
            {
                // Tighten the non-essential bound with block maxima (skip-table reads only).
                long blockBound = 0;
                for (int i = nonEssential - 1; i >= 0; i--)
                {
                    ref var cursor = ref cursors[i];
                    cursor.ShallowNextGeq(current);
                    blockBound += cursor.BlockMaxScore;
                }
                candidate = score + blockBound > threshold;
                // Evaluate the most promising lists first; each real score replaces that list's block bound.
                for (int i = nonEssential - 1; candidate && i >= 0; i--)
                {
                    ref var cursor = ref cursors[i];
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
