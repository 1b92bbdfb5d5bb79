using System.Numerics;
using System.Runtime.CompilerServices;
using SpladeFast.Cursors;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>The steps MaxScore-style and WAND-style algorithms share; each keeps its own main loop.</summary>
internal static class PruningSteps
{
    /// <summary>
    /// MaxScore set-up: sorts the cursors by ascending max score (in place), fills the prefix sums of max scores,
    /// and returns how many lists the threshold already makes non-essential.
    /// </summary>
    public static int PrepareMaxScore<TCursor>(Span<TCursor> cursors, Span<int> order, Span<long> prefixBounds, long threshold)
        where TCursor : struct, IPostingCursor
    {
        CursorOrder.SortByMaxScore(cursors, order);
        long sum = 0;
        for (int i = 0; i < cursors.Length; i++)
            prefixBounds[i] = sum += cursors[i].MaxScore;
        return GrowNonEssential(prefixBounds, 0, threshold);
    }

    /// <summary>
    /// The next window of a MaxScore: from the smallest docid of <paramref name="essential"/>, <paramref name="length"/>
    /// docids (fewer at the end of the docid range); false when those lists are exhausted.
    /// </summary>
    public static bool NextWindow<TCursor>(Span<TCursor> essential, int length, out uint first, out uint end)
        where TCursor : struct, IPostingCursor
    {
        first = PostingCursor.End;
        foreach (ref var cursor in essential)
            first = Math.Min(first, cursor.DocId);
        end = (uint)Math.Min((ulong)first + (uint)length, PostingCursor.End);
        return first != PostingCursor.End;
    }

    /// <summary>
    /// Adds the cursor's postings in [<paramref name="first"/>, <paramref name="end"/>) into the window's
    /// accumulators and match bits (the cursor is at or after <paramref name="first"/>) and leaves it at or past
    /// <paramref name="end"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate<TCursor>(ref TCursor cursor, uint first, uint end, Span<long> windowScores, Span<ulong> windowMatches)
        where TCursor : struct, IPostingCursor
    {
        for (uint docId = cursor.DocId; docId < end; docId = cursor.DocId)
        {
            int offset = (int)(docId - first);
            windowScores[offset] += cursor.Score;
            windowMatches[offset >> 6] |= 1UL << offset;
            cursor.Next();
        }
    }

    /// <summary>
    /// The second half of a MaxScore window: each matched document (in docid order, with its essential score) is
    /// finished on the non-essential lists, positions <paramref name="count"/> - 1 down to 0 of
    /// <paramref name="lists"/> (ascending bounds, <paramref name="bounds"/> their prefix sums), most promising first,
    /// while it can still beat the threshold; those scored on every list are offered (PISA skips a pruned document
    /// the same way: most candidates never reach the queue). Leaves the window's scratch zeroed; returns the
    /// documents scored on every list.
    /// </summary>
    public static long FinishWindow<TCursor, TLists>(Span<TCursor> cursors, TLists lists, int count, Span<long> bounds,
        uint first, uint end, Span<long> windowScores, Span<ulong> windowMatches, TopKQueue topK)
        where TCursor : struct, IPostingCursor
        where TLists : IListOrder, allows ref struct
    {
        long scored = 0;
        int words = (int)((end - first + 63) >> 6);
        for (int word = 0; word < words; word++)
        {
            ulong matches = windowMatches[word];
            if (matches == 0)
                continue;
            windowMatches[word] = 0;
            for (; matches != 0; matches &= matches - 1)
            {
                int offset = (word << 6) + BitOperations.TrailingZeroCount(matches);
                long score = windowScores[offset];
                windowScores[offset] = 0;
                uint current = first + (uint)offset;
                long threshold = topK.Threshold;
                int j = count - 1;
                for (; j >= 0 && score + bounds[j] > threshold; j--)
                {
                    ref var cursor = ref cursors[lists[j]];
                    cursor.NextGeq(current);
                    if (cursor.DocId == current)
                        score += cursor.Score;
                }
                if (j < 0)
                {
                    scored++;
                    if (score > threshold)
                        topK.Insert(current, score);
                }
            }
        }
        return scored;
    }

    /// <summary>The smallest of the first <paramref name="count"/> docids: a document-at-a-time loop's first candidate.</summary>
    public static uint FirstCandidate(Span<uint> docIds, int count)
    {
        uint first = PostingCursor.End;
        for (int i = 0; i < count; i++)
            first = Math.Min(first, docIds[i]);
        return first;
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

/// <summary>Where the list at a position of a bound order is (<see cref="PruningSteps.FinishWindow"/>).</summary>
internal interface IListOrder
{
    int this[int position] { get; }
}

/// <summary>The cursors themselves are in bound order (MaxScore sorts them once).</summary>
internal readonly struct SortedLists : IListOrder
{
    public int this[int position] => position;
}

/// <summary>A permutation gives the bound order (BlockMax-MaxScore's per-window order).</summary>
internal readonly ref struct PermutedLists(Span<int> order) : IListOrder
{
    private readonly Span<int> _order = order;

    public int this[int position] => _order[position];
}
