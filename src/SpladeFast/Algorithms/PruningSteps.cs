using System.Runtime.CompilerServices;
using SpladeFast.Cursors;

namespace SpladeFast.Algorithms;

/// <summary>The steps MaxScore-style and WAND-style algorithms share; each keeps its own main loop.</summary>
internal static class PruningSteps
{
    /// <summary>
    /// MaxScore set-up: orders cursors by ascending max score, fills the prefix sums of max scores, and returns
    /// the smallest current docid (the first candidate).
    /// </summary>
    public static uint PrepareMaxScore<TCursor>(Span<TCursor> cursors, Span<int> order, Span<long> prefixBounds)
        where TCursor : struct, IPostingCursor
    {
        CursorOrder.ByMaxScore(cursors, order);
        long sum = 0;
        uint first = PostingCursor.End;
        for (int i = 0; i < order.Length; i++)
        {
            prefixBounds[i] = sum += cursors[order[i]].MaxScore;
            first = Math.Min(first, cursors[i].DocId);
        }
        return first;
    }

    /// <summary>Scores <paramref name="current"/> on the essential lists, advancing them; outputs the next candidate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ScoreEssential<TCursor>(Span<TCursor> cursors, Span<int> order, int nonEssential, uint current, out uint next)
        where TCursor : struct, IPostingCursor
    {
        long score = 0;
        next = PostingCursor.End;
        for (int i = nonEssential; i < order.Length; i++)
        {
            ref var cursor = ref cursors[order[i]];
            if (cursor.DocId == current)
            {
                score += cursor.Score;
                cursor.Next();
            }
            next = Math.Min(next, cursor.DocId);
        }
        return score;
    }

    /// <summary>Lists whose summed max scores cannot beat the threshold become non-essential.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GrowNonEssential(Span<long> prefixBounds, int nonEssential, long threshold)
    {
        while (nonEssential < prefixBounds.Length && prefixBounds[nonEssential] <= threshold)
            nonEssential++;
        return nonEssential;
    }

    /// <summary>
    /// WAND's pivot over docid-ordered cursors: the first position where the summed max scores beat the
    /// threshold; -1 when no remaining document can.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FindPivot<TCursor>(Span<TCursor> cursors, Span<int> order, long threshold)
        where TCursor : struct, IPostingCursor
    {
        long bound = 0;
        for (int pivot = 0; pivot < order.Length; pivot++)
        {
            ref var cursor = ref cursors[order[pivot]];
            if (cursor.DocId == PostingCursor.End)
                return -1;
            bound += cursor.MaxScore;
            if (bound > threshold)
                return pivot;
        }
        return -1;
    }

    /// <summary>Moves the last cursor before the pivot document up to it and restores docid order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AdvanceToPivot<TCursor>(Span<TCursor> cursors, Span<int> order, int pivot, uint pivotDoc)
        where TCursor : struct, IPostingCursor
    {
        int mover = pivot;
        while (cursors[order[mover]].DocId == pivotDoc)
            mover--;
        cursors[order[mover]].NextGeq(pivotDoc);
        CursorOrder.SinkAfterAdvance(cursors, order, mover);
    }

    /// <summary>Scores the pivot document on the leading cursors sitting on it, advancing them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ScorePivot<TCursor>(Span<TCursor> cursors, Span<int> order, uint pivotDoc)
        where TCursor : struct, IPostingCursor
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
        return score;
    }
}
