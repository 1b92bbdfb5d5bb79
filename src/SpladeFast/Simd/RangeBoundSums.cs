using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SpladeFast.Simd;

/// <summary>
/// sums[i] += weight x bounds[i] over a dense row of byte bounds: the inner loop of bmp's range upper bounds. One
/// loop per vector width, each widening bytes to 32-bit lanes; the scalar loop finishes every tail.
/// </summary>
public static class RangeBoundSums
{
    public static VectorPath Best => VectorPaths.Widest;

    public static void AddScaled(ReadOnlySpan<byte> bounds, uint weight, Span<uint> sums) => AddScaled(Best, bounds, weight, sums);

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
            VectorPath.Vector512 => AddVector512(ref source, bounds.Length, weight, ref destination),
            VectorPath.Vector256 => AddVector256(ref source, bounds.Length, weight, ref destination),
            VectorPath.Vector128 => AddVector128(ref source, bounds.Length, weight, ref destination),
            _ => 0,
        };
        for (int i = done; i < bounds.Length; i++)
            Unsafe.Add(ref destination, i) += weight * Unsafe.Add(ref source, i);
    }

    private static int AddVector512(ref byte source, int length, uint weight, ref uint destination)
    {
        var scale = Vector512.Create(weight);
        int i = 0;
        for (; i <= length - Vector512<byte>.Count; i += Vector512<byte>.Count)
        {
            var (low, high) = Vector512.Widen(Vector512.LoadUnsafe(ref source, (nuint)i));
            ref uint target = ref Unsafe.Add(ref destination, i);
            var (a, b) = Vector512.Widen(low);
            var (c, d) = Vector512.Widen(high);
            (Vector512.LoadUnsafe(ref target) + a * scale).StoreUnsafe(ref target);
            (Vector512.LoadUnsafe(ref target, 16) + b * scale).StoreUnsafe(ref target, 16);
            (Vector512.LoadUnsafe(ref target, 32) + c * scale).StoreUnsafe(ref target, 32);
            (Vector512.LoadUnsafe(ref target, 48) + d * scale).StoreUnsafe(ref target, 48);
        }
        return i;
    }

    private static int AddVector256(ref byte source, int length, uint weight, ref uint destination)
    {
        var scale = Vector256.Create(weight);
        int i = 0;
        for (; i <= length - Vector256<byte>.Count; i += Vector256<byte>.Count)
        {
            var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)i));
            ref uint target = ref Unsafe.Add(ref destination, i);
            var (a, b) = Vector256.Widen(low);
            var (c, d) = Vector256.Widen(high);
            (Vector256.LoadUnsafe(ref target) + a * scale).StoreUnsafe(ref target);
            (Vector256.LoadUnsafe(ref target, 8) + b * scale).StoreUnsafe(ref target, 8);
            (Vector256.LoadUnsafe(ref target, 16) + c * scale).StoreUnsafe(ref target, 16);
            (Vector256.LoadUnsafe(ref target, 24) + d * scale).StoreUnsafe(ref target, 24);
        }
        return i;
    }

    private static int AddVector128(ref byte source, int length, uint weight, ref uint destination)
    {
        var scale = Vector128.Create(weight);
        int i = 0;
        for (; i <= length - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)i));
            ref uint target = ref Unsafe.Add(ref destination, i);
            var (a, b) = Vector128.Widen(low);
            var (c, d) = Vector128.Widen(high);
            (Vector128.LoadUnsafe(ref target) + a * scale).StoreUnsafe(ref target);
            (Vector128.LoadUnsafe(ref target, 4) + b * scale).StoreUnsafe(ref target, 4);
            (Vector128.LoadUnsafe(ref target, 8) + c * scale).StoreUnsafe(ref target, 8);
            (Vector128.LoadUnsafe(ref target, 12) + d * scale).StoreUnsafe(ref target, 12);
        }
        return i;
    }
}
