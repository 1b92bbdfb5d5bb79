using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SpladeFast.Format;

namespace SpladeFast.Simd;

/// <summary>
/// sums[i] += weight x bounds[i] over a dense row of byte bounds: the inner loop of bmp's range upper bounds. One
/// kernel struct per vector width widens a vector of bytes to 32-bit lanes; one driver runs it over the row and
/// the scalar loop finishes every tail.
/// </summary>
public static class RangeBoundSums
{
    /// <summary>The path <see cref="AddScaled(ReadOnlySpan{byte}, uint, Span{uint})"/> takes: the widest this machine runs.</summary>
    public static VectorPath Best => VectorPaths.Widest;

    /// <summary>sums[i] += weight x bounds[i] for every i, with <see cref="Best"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="sums"/> is shorter than <paramref name="bounds"/>.</exception>
    public static void AddScaled(ReadOnlySpan<byte> bounds, uint weight, Span<uint> sums) => AddScaled(Best, bounds, weight, sums);

    /// <summary>The same with <paramref name="path"/> (tests and benchmarks compare paths).</summary>
    /// <exception cref="ArgumentException"><paramref name="sums"/> is shorter than <paramref name="bounds"/>, or the path is not supported here.</exception>
    public static void AddScaled(VectorPath path, ReadOnlySpan<byte> bounds, uint weight, Span<uint> sums)
    {
        if (sums.Length < bounds.Length)
            ThrowHelper.DestinationTooShort(nameof(sums));
        if (!VectorPaths.IsSupported(path))
            ThrowHelper.Argument(nameof(path), $"{path} is not supported on this machine.");
        ref byte source = ref MemoryMarshal.GetReference(bounds);
        ref uint destination = ref MemoryMarshal.GetReference(sums);
        int done = path switch
        {
            VectorPath.Vector512 => Run<Vector512Kernel>(ref source, bounds.Length, weight, ref destination),
            VectorPath.Vector256 => Run<Vector256Kernel>(ref source, bounds.Length, weight, ref destination),
            VectorPath.Vector128 => Run<Vector128Kernel>(ref source, bounds.Length, weight, ref destination),
            _ => 0,
        };
        for (int i = done; i < bounds.Length; i++)
            Unsafe.Add(ref destination, i) += weight * Unsafe.Add(ref source, i);
    }

    /// <summary>How far ahead of the kernel the row is requested: hardware prefetchers stop at page boundaries.</summary>
    private const int PrefetchDistance = 4096;

    /// <summary>Adds whole vectors of bytes; returns how many bytes it covered.</summary>
    private static unsafe int Run<TKernel>(ref byte source, int length, uint weight, ref uint destination) where TKernel : struct, IKernel
    {
        int i = 0;
        for (; i <= length - TKernel.Bytes; i += TKernel.Bytes)
        {
            if (Sse.IsSupported && (i & 63) == 0)
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref source, i + PrefetchDistance))); // never faults, even past the end
            TKernel.AddScaled(ref Unsafe.Add(ref source, i), weight, ref Unsafe.Add(ref destination, i));
        }
        return i;
    }

    private interface IKernel
    {
        /// <summary>Bytes of bounds one step reads (four vectors of sums).</summary>
        static abstract int Bytes { get; }

        static abstract void AddScaled(ref byte source, uint weight, ref uint destination);
    }

    internal readonly struct Vector512Kernel : IKernel
    {
        public static int Bytes => Vector512<byte>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddScaled(ref byte source, uint weight, ref uint destination) =>
            AddWidened(Vector512.LoadUnsafe(ref source), weight, ref destination);

        /// <summary>destination[i] += weight x bounds[i] for the 64 bytes of <paramref name="bounds"/> (also the expand kernel's last step).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void AddWidened(Vector512<byte> bounds, uint weight, ref uint destination)
        {
            var (low, high) = Vector512.Widen(bounds);
            var (a, b) = Vector512.Widen(low);
            var (c, d) = Vector512.Widen(high);
            var scale = Vector512.Create(weight);
            (Vector512.LoadUnsafe(ref destination) + a * scale).StoreUnsafe(ref destination);
            (Vector512.LoadUnsafe(ref destination, 16) + b * scale).StoreUnsafe(ref destination, 16);
            (Vector512.LoadUnsafe(ref destination, 32) + c * scale).StoreUnsafe(ref destination, 32);
            (Vector512.LoadUnsafe(ref destination, 48) + d * scale).StoreUnsafe(ref destination, 48);
        }
    }

    private readonly struct Vector256Kernel : IKernel
    {
        public static int Bytes => Vector256<byte>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddScaled(ref byte source, uint weight, ref uint destination)
        {
            var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source));
            var (a, b) = Vector256.Widen(low);
            var (c, d) = Vector256.Widen(high);
            var scale = Vector256.Create(weight);
            (Vector256.LoadUnsafe(ref destination) + a * scale).StoreUnsafe(ref destination);
            (Vector256.LoadUnsafe(ref destination, 8) + b * scale).StoreUnsafe(ref destination, 8);
            (Vector256.LoadUnsafe(ref destination, 16) + c * scale).StoreUnsafe(ref destination, 16);
            (Vector256.LoadUnsafe(ref destination, 24) + d * scale).StoreUnsafe(ref destination, 24);
        }
    }

    private readonly struct Vector128Kernel : IKernel
    {
        public static int Bytes => Vector128<byte>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddScaled(ref byte source, uint weight, ref uint destination)
        {
            var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref source));
            var (a, b) = Vector128.Widen(low);
            var (c, d) = Vector128.Widen(high);
            var scale = Vector128.Create(weight);
            (Vector128.LoadUnsafe(ref destination) + a * scale).StoreUnsafe(ref destination);
            (Vector128.LoadUnsafe(ref destination, 4) + b * scale).StoreUnsafe(ref destination, 4);
            (Vector128.LoadUnsafe(ref destination, 8) + c * scale).StoreUnsafe(ref destination, 8);
            (Vector128.LoadUnsafe(ref destination, 12) + d * scale).StoreUnsafe(ref destination, 12);
        }
    }
}
