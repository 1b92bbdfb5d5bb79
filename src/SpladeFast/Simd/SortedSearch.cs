using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SpladeFast.Simd;

/// <summary>
/// Finds where each of several increasing keys sits in an increasing array (a bmp range's terms): one forward sweep
/// that skips a vector's worth of the array while its last element is smaller than the key, then compares the key
/// with a whole vector at once (one kernel struct per width). The scalar path walks element by element, and
/// finishes the last, partial vector of every path.
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
        switch (path)
        {
            case VectorPath.Vector512: Run<Vector512Kernel>(sorted, keys, found); break;
            case VectorPath.Vector256: Run<Vector256Kernel>(sorted, keys, found); break;
            case VectorPath.Vector128: Run<Vector128Kernel>(sorted, keys, found); break;
            default: Run<ScalarKernel>(sorted, keys, found); break;
        }
    }

    private static void Run<TKernel>(ReadOnlySpan<ushort> sorted, ReadOnlySpan<ushort> keys, Span<int> found) where TKernel : struct, IKernel
    {
        ref ushort start = ref MemoryMarshal.GetReference(sorted);
        int length = sorted.Length, position = 0;
        for (int k = 0; k < keys.Length; k++)
        {
            ushort key = keys[k];
            while (TKernel.Width > 0 && position + TKernel.Width <= length && Unsafe.Add(ref start, position + TKernel.Width - 1) < key)
                position += TKernel.Width;
            if (TKernel.Width > 0 && position + TKernel.Width <= length)
            {
                int at = TKernel.IndexOf(ref Unsafe.Add(ref start, position), key);
                found[k] = at < 0 ? -1 : position + at;
                continue;
            }
            while (position < length && Unsafe.Add(ref start, position) < key)
                position++;
            found[k] = position < length && Unsafe.Add(ref start, position) == key ? position : -1;
        }
    }

    private interface IKernel
    {
        /// <summary>Elements compared at once (0 for the scalar walk, which never takes the vector branch).</summary>
        static abstract int Width { get; }

        /// <summary>The key's index among the <see cref="Width"/> elements, or -1.</summary>
        static abstract int IndexOf(ref ushort elements, ushort key);
    }

    private readonly struct ScalarKernel : IKernel
    {
        public static int Width => 0;
        public static int IndexOf(ref ushort elements, ushort key) => -1;
    }

    private readonly struct Vector512Kernel : IKernel
    {
        public static int Width => Vector512<ushort>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int IndexOf(ref ushort elements, ushort key) =>
            FirstSet(Vector512.Equals(Vector512.LoadUnsafe(ref elements), Vector512.Create(key)).ExtractMostSignificantBits());
    }

    private readonly struct Vector256Kernel : IKernel
    {
        public static int Width => Vector256<ushort>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int IndexOf(ref ushort elements, ushort key) =>
            FirstSet(Vector256.Equals(Vector256.LoadUnsafe(ref elements), Vector256.Create(key)).ExtractMostSignificantBits());
    }

    private readonly struct Vector128Kernel : IKernel
    {
        public static int Width => Vector128<ushort>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int IndexOf(ref ushort elements, ushort key) =>
            FirstSet(Vector128.Equals(Vector128.LoadUnsafe(ref elements), Vector128.Create(key)).ExtractMostSignificantBits());
    }

    private static int FirstSet(ulong mask) => mask == 0 ? -1 : BitOperations.TrailingZeroCount(mask);
}
