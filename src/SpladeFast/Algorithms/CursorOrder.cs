using System.Runtime.CompilerServices;
using SpladeFast.Cursors;

namespace SpladeFast.Algorithms;

/// <summary>Orderings of cursor positions shared by the dynamic-pruning algorithms.</summary>
internal static class CursorOrder
{
    /// <summary>Fills <paramref name="order"/> with 0..n-1 sorted by ascending max score (MaxScore's order).</summary>
    public static void ByMaxScore<TCursor>(Span<TCursor> cursors, Span<int> order)
        where TCursor : struct, IPostingCursor
    {
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        for (int i = 1; i < order.Length; i++)
        {
            int item = order[i];
            long key = cursors[item].MaxScore;
            int j = i - 1;
            for (; j >= 0 && cursors[order[j]].MaxScore > key; j--)
                order[j + 1] = order[j];
            order[j + 1] = item;
        }
    }

    /// <summary>
    /// Moves the cursors themselves into ascending max score order (PISA sorts its cursor vector the same way), so
    /// MaxScore's loops walk them in memory order with no indirection; <paramref name="order"/> is scratch.
    /// </summary>
    public static void SortByMaxScore<TCursor>(Span<TCursor> cursors, Span<int> order)
        where TCursor : struct, IPostingCursor
    {
        ByMaxScore(cursors, order);
        // Apply the permutation (new[i] = old[order[i]]) one cycle at a time, marking placed slots.
        for (int start = 0; start < order.Length; start++)
        {
            if (order[start] == start)
                continue;
            var held = cursors[start];
            int slot = start;
            while (true)
            {
                int source = order[slot];
                order[slot] = slot;
                if (source == start)
                {
                    cursors[slot] = held;
                    break;
                }
                cursors[slot] = cursors[source];
                slot = source;
            }
        }
    }

    /// <summary>Insertion sort by current docid: cheap because only a few cursors move between calls.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ByDocId<TCursor>(Span<TCursor> cursors, Span<int> order)
        where TCursor : struct, IPostingCursor
    {
        for (int i = 1; i < order.Length; i++)
        {
            int item = order[i];
            uint key = cursors[item].DocId;
            int j = i - 1;
            for (; j >= 0 && cursors[order[j]].DocId > key; j--)
                order[j + 1] = order[j];
            order[j + 1] = item;
        }
    }

    /// <summary>Restores docid order after the cursor at <paramref name="moved"/> advanced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinkAfterAdvance<TCursor>(Span<TCursor> cursors, Span<int> order, int moved)
        where TCursor : struct, IPostingCursor
    {
        int item = order[moved];
        uint key = cursors[item].DocId;
        int j = moved + 1;
        for (; j < order.Length && cursors[order[j]].DocId < key; j++)
            order[j - 1] = order[j];
        order[j - 1] = item;
    }

    public static void Identity(Span<int> order)
    {
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
    }
}
