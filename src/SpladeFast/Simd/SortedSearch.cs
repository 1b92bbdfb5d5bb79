using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SpladeFast.Simd;

/// <summary>
/// Finds where each of several increasing keys sits in an increasing array (a bmp range's terms): one forward sweep
/// that skips a vector's worth of the array while its last element is smaller than the key, then compares the key
/// with a whole vector at once. The scalar path walks element by element.
/// </summary>
public static class SortedSearch
{
    public static VectorPath Best => VectorPaths.Widest;

    /// <summary>found[i] = the index of keys[i] in <paramref name="sorted"/>, or -1. Both inputs strictly increasing.</summary>
    public static void Locate(ReadOnlySpan<ushort> sorted, ReadOnlySpan<ushort> keys, Span<int> found) => Locate(Best, sorted, keys, found);

    public static void Locate(VectorPath path, ReadOnlySpan<ushort> sorted, ReadOnlySpan<ushort> keys, Span<int> found)
    {
        if (found.Length < keys.Length)
            ThrowHelper.DestinationTooShort(nameof(found));
        if (!VectorPaths.IsSupported(path))
            ThrowHelper.Argument(nameof(path), $"{path} is not supported on this machine.");
        ref ushort start = ref MemoryMarshal.GetReference(sorted);
        int position = 0;
        for (int k = 0; k < keys.Length; k++)
        {
            ushort key = keys[k];
            int index = path switch
            {
                VectorPath.Vector512 => FindVector512(ref start, sorted.Length, key, ref position),
                VectorPath.Vector256 => FindVector256(ref start, sorted.Length, key, ref position),
                VectorPath.Vector128 => FindVector128(ref start, sorted.Length, key, ref position),
                _ => -2,
            };
            found[k] = index != -2 ? index : FindScalar(ref start, sorted.Length, key, ref position);
        }
    }

    /// <summary>Advances <paramref name="position"/> past every element below the key; the key's index or -1.</summary>
    private static int FindScalar(ref ushort sorted, int length, ushort key, ref int position)
    {
        while (position < length && Unsafe.Add(ref sorted, position) < key)
            position++;
        return position < length && Unsafe.Add(ref sorted, position) == key ? position : -1;
    }

    // Each vector finder returns -2 when fewer than a vector's worth of elements remain: the scalar walk finishes.

    private static int FindVector512(ref ushort sorted, int length, ushort key, ref int position)
    {
        int width = Vector512<ushort>.Count;
        while (position + width <= length && Unsafe.Add(ref sorted, position + width - 1) < key)
            position += width;
        if (position + width > length)
            return -2;
        ulong equal = Vector512.Equals(Vector512.LoadUnsafe(ref sorted, (nuint)position), Vector512.Create(key)).ExtractMostSignificantBits();
        return equal == 0 ? -1 : position + BitOperations.TrailingZeroCount(equal);
    }

    private static int FindVector256(ref ushort sorted, int length, ushort key, ref int position)
    {
        int width = Vector256<ushort>.Count;
        while (position + width <= length && Unsafe.Add(ref sorted, position + width - 1) < key)
            position += width;
        if (position + width > length)
            return -2;
        uint equal = Vector256.Equals(Vector256.LoadUnsafe(ref sorted, (nuint)position), Vector256.Create(key)).ExtractMostSignificantBits();
        return equal == 0 ? -1 : position + BitOperations.TrailingZeroCount(equal);
    }

    private static int FindVector128(ref ushort sorted, int length, ushort key, ref int position)
    {
        int width = Vector128<ushort>.Count;
        while (position + width <= length && Unsafe.Add(ref sorted, position + width - 1) < key)
            position += width;
        if (position + width > length)
            return -2;
        uint equal = Vector128.Equals(Vector128.LoadUnsafe(ref sorted, (nuint)position), Vector128.Create(key)).ExtractMostSignificantBits();
        return equal == 0 ? -1 : position + BitOperations.TrailingZeroCount(equal);
    }
}
