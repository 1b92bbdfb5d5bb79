using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SpladeFast.Cursors;
using SpladeFast.Format;

namespace SpladeFast.Algorithms;

/// <summary>
/// The current docids of a query's cursors copied into one flat array (cursor i's at index i, then
/// <see cref="Padding"/> slots of <see cref="PostingCursor.End"/>), so the per-candidate step of the
/// document-at-a-time loops compares eight cursors with the candidate and takes eight minima per instruction
/// instead of branching on every cursor: with SPLADE's ~45 query terms most cursors do not hold the candidate, and
/// which ones do is unpredictable. Algorithms that use it store a cursor's docid back after every move of a cursor
/// that a later scan reads.
/// </summary>
internal static class CursorDocIds
{
    /// <summary>Slots past the last cursor, all <see cref="PostingCursor.End"/>, so a vector load never leaves the array.</summary>
    public const int Padding = 8;

    /// <summary>Copies the cursors' docids and fills the padding; <paramref name="docIds"/> has at least cursors + <see cref="Padding"/> slots.</summary>
    public static void Fill<TCursor>(Span<TCursor> cursors, Span<uint> docIds)
        where TCursor : struct, IPostingCursor
    {
        if (docIds.Length < cursors.Length + Padding)
            ThrowHelper.DestinationTooShort(nameof(docIds));
        for (int i = 0; i < cursors.Length; i++)
            docIds[i] = cursors[i].DocId;
        docIds[cursors.Length..].Fill(PostingCursor.End);
    }

    /// <summary>
    /// Scores <paramref name="current"/> (not <see cref="PostingCursor.End"/>) on the cursors that sit on it and
    /// advances them; outputs the smallest docid of the cursors after the step: the next candidate. The step of
    /// ranked_or.
    /// </summary>
    /// <remarks>
    /// Two passes per 64 cursors: a vector pass (compare, collect the matching lanes into a 64-bit mask, take the
    /// minimum of the lanes that do not match), then a scalar pass over the matching cursors (score, advance, take
    /// the minimum of their new docids). No vector is live across the scalar pass's calls (block loads), so the JIT
    /// keeps the vector minimum in a register; interleaving the two put it on the stack, a store-to-load chain
    /// through every iteration (the profile's hottest instructions).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ScoreAndAdvance<TCursor>(Span<TCursor> cursors, Span<uint> docIds, uint current, out uint next)
        where TCursor : struct, IPostingCursor
    {
        if (!Vector256.IsHardwareAccelerated)
            return ScoreAndAdvanceScalar(cursors, docIds, current, out next);
        // Bounds: Fill checked docIds.Length >= cursors.Length + Padding, and i < cursors.Length at each load.
        ref TCursor first = ref MemoryMarshal.GetReference(cursors);
        ref uint ids = ref MemoryMarshal.GetReference(docIds);
        long score = 0;
        uint smallest = PostingCursor.End;
        for (int chunk = 0; chunk < cursors.Length; chunk += 64)
        {
            int end = Math.Min(chunk + 64, cursors.Length);
            var candidate = Vector256.Create(current);
            var minimum = Vector256.Create(PostingCursor.End);
            ulong matches = 0;
            for (int i = chunk; i < end; i += Vector256<uint>.Count)
            {
                var lanes = Vector256.LoadUnsafe(ref ids, (nuint)i);
                var equal = Vector256.Equals(lanes, candidate);
                matches |= (ulong)equal.ExtractMostSignificantBits() << (i - chunk);
                // A matching lane becomes End (all ones): its cursor's new docid is taken below.
                minimum = Vector256.Min(minimum, lanes | equal);
            }
            smallest = Math.Min(smallest, HorizontalMinimum(minimum));
            for (; matches != 0; matches &= matches - 1)
            {
                int j = chunk + BitOperations.TrailingZeroCount(matches);
                ref TCursor cursor = ref Unsafe.Add(ref first, j);
                score += cursor.Score;
                cursor.Next();
                uint docId = cursor.DocId;
                Unsafe.Add(ref ids, j) = docId;
                smallest = Math.Min(smallest, docId);
            }
        }
        next = smallest;
        return score;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HorizontalMinimum(Vector256<uint> values)
    {
        var half = Vector128.Min(values.GetLower(), values.GetUpper());
        half = Vector128.Min(half, Vector128.Shuffle(half, Vector128.Create(2u, 3, 0, 1)));
        half = Vector128.Min(half, Vector128.Shuffle(half, Vector128.Create(1u, 0, 3, 2)));
        return half.ToScalar();
    }

    /// <summary>The reference of <see cref="ScoreAndAdvance"/>, one cursor at a time.</summary>
    public static long ScoreAndAdvanceScalar<TCursor>(Span<TCursor> cursors, Span<uint> docIds, uint current, out uint next)
        where TCursor : struct, IPostingCursor
    {
        long score = 0;
        next = PostingCursor.End;
        for (int i = 0; i < cursors.Length; i++)
        {
            ref var cursor = ref cursors[i];
            if (cursor.DocId == current)
            {
                score += cursor.Score;
                cursor.Next();
                docIds[i] = cursor.DocId;
            }
            next = Math.Min(next, cursor.DocId);
        }
        return score;
    }
}
