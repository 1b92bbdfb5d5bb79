namespace SpladeFast.Algorithms;

/// <summary>
/// Exhaustive term-at-a-time: each list adds into per-document accumulators, then one pass over the
/// accumulators (in docid order, clearing them for the next query) selects the top k.
/// </summary>
public sealed class RankedOrTaat : ISearchAlgorithm
{
    public string Name => "ranked_or_taat";
    public string Summary => "exhaustive term-at-a-time with accumulators (reference)";

    public void Search(SearchContext context)
    {
        var accumulators = context.Accumulators;
        foreach (ref var cursor in context.Cursors)
        {
            for (; cursor.DocId != Cursors.PostingCursor.End; cursor.Next())
                accumulators[cursor.DocId] += cursor.Score;
        }
        var topK = context.TopK;
        long scored = 0;
        for (int doc = 0; doc < accumulators.Length; doc++)
        {
            long score = accumulators[doc];
            if (score == 0)
                continue;
            accumulators[doc] = 0;
            topK.Insert((uint)doc, score);
            scored++;
        }
        context.DocumentsScored += scored;
    }
}
