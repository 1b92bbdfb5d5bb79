using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SpladeFast.Format;
using SpladeFast.Simd;

namespace SpladeFast.Codecs;

/// <summary>
/// Decodes a full 128-value vertical block (see <see cref="BitPacking"/>). One kernel struct per vector width,
/// one driver choosing the fastest the hardware accelerates; the scalar reference is always there.
/// </summary>
public static class BlockUnpacker
{
    /// <remarks>
    /// Vector256 comes first even where AVX-512 exists: measured with DecodeBenchmarks, the 512-bit kernel
    /// (four 128-bit loads and four stores per step) decodes 3.7 integers/ns against 5.5-6.7 for 256 bits
    /// (docs/performance.md). Vector512 stays available, tested and benchmarked.
    /// </remarks>
    public static VectorPath Best { get; } =
        Vector256.IsHardwareAccelerated && Avx2.IsSupported ? VectorPath.Vector256
        : Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? VectorPath.Vector512
        : Vector128.IsHardwareAccelerated ? VectorPath.Vector128
        : VectorPath.Scalar;

    /// <summary>Whether this machine runs <paramref name="path"/> (see <see cref="VectorPaths.IsSupported"/>).</summary>
    public static bool IsSupported(VectorPath path) => VectorPaths.IsSupported(path);

    /// <summary>Unpacks 128 values of <paramref name="bits"/> bits with the best path.</summary>
    public static void Unpack(ReadOnlySpan<byte> source, int bits, Span<uint> destination) =>
        Unpack(Best, source, bits, destination);

    /// <summary>Unpacks 128 values of <paramref name="bits"/> bits with <paramref name="path"/> (tests and benchmarks compare paths).</summary>
    /// <param name="path">The kernel width; must be supported here.</param>
    /// <param name="bits">Bits per value, 0..32.</param>
    /// <param name="source">The packed block and at least <see cref="BitPacking.ReadPadding"/> bytes after it.</param>
    /// <param name="destination">At least 128 values.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is outside 0..32.</exception>
    /// <exception cref="ArgumentException">A span is too short, or the path is not supported here.</exception>
    public static void Unpack(VectorPath path, ReadOnlySpan<byte> source, int bits, Span<uint> destination)
    {
        if ((uint)bits > 32)
            ThrowHelper.ArgumentOutOfRange(nameof(bits), "Bit width must be 0..32.");
        if (destination.Length < BitPacking.BlockSize)
            ThrowHelper.DestinationTooShort(nameof(destination));
        if (source.Length < BitPacking.PackedBytes(BitPacking.BlockSize, bits) + BitPacking.ReadPadding)
            ThrowHelper.SourceTooShort(nameof(source));
        if (!IsSupported(path))
            ThrowHelper.Argument(nameof(path), $"{path} is not supported on this machine.");
        UnpackUnchecked(path, ref MemoryMarshal.GetReference(source), bits, ref MemoryMarshal.GetReference(destination));
    }

    /// <summary>The cursors' entry: arguments were validated when the index was opened.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UnpackUnchecked(ref byte source, int bits, ref uint destination) =>
        UnpackUnchecked(Best, ref source, bits, ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UnpackUnchecked(VectorPath path, ref byte source, int bits, ref uint destination)
    {
        if (bits == 0)
        {
            MemoryMarshal.CreateSpan(ref destination, BitPacking.BlockSize).Clear();
            return;
        }
        switch (path)
        {
            case VectorPath.Vector512: Run<Vector512Kernel>(ref source, bits, ref destination); break;
            case VectorPath.Vector256: Run<Vector256Kernel>(ref source, bits, ref destination); break;
            case VectorPath.Vector128: Run<Vector128Kernel>(ref source, bits, ref destination); break;
            default:
                BitPacking.UnpackScalar(
                    MemoryMarshal.CreateReadOnlySpan(ref source, BitPacking.PackedBytes(BitPacking.BlockSize, bits)),
                    BitPacking.BlockSize, bits, MemoryMarshal.CreateSpan(ref destination, BitPacking.BlockSize));
                break;
        }
    }

    private static void Run<TKernel>(ref byte source, int bits, ref uint destination)
        where TKernel : struct, IUnpackKernel => TKernel.Unpack(ref source, bits, ref destination);

    private interface IUnpackKernel
    {
        static abstract void Unpack(ref byte source, int bits, ref uint destination);
    }

    /// <summary>Four lanes, 32 steps; all lanes share one shift, so scalar shift counts suffice.</summary>
    private readonly struct Vector128Kernel : IUnpackKernel
    {
        [SkipLocalsInit]
        public static void Unpack(ref byte source, int bits, ref uint destination)
        {
            var mask = Vector128.Create(BitPacking.Mask(bits));
            int bit = 0;
            for (int j = 0; j < BitPacking.ValuesPerLane; j++, bit += bits)
            {
                int word = bit >> 5, shift = bit & 31;
                var value = Vector128.ShiftRightLogical(Vector128.LoadUnsafe(ref source, (nuint)(word * 16)).AsUInt32(), shift);
                if (shift + bits > 32)
                    value |= Vector128.ShiftLeft(Vector128.LoadUnsafe(ref source, (nuint)(word * 16 + 16)).AsUInt32(), 32 - shift);
                (value & mask).StoreUnsafe(ref destination, (nuint)(j * 4));
            }
        }
    }

    /// <summary>
    /// Two groups of four lanes: the low half decodes lane values 0..15, the high half 16..31, so each step
    /// needs per-lane shifts (AVX2 vpsrlvd/vpsllvd, which yield 0 for counts of 32: no branch on word spills).
    /// </summary>
    private readonly struct Vector256Kernel : IUnpackKernel
    {
        [SkipLocalsInit]
        public static void Unpack(ref byte source, int bits, ref uint destination)
        {
            const int Steps = BitPacking.ValuesPerLane / 2;
            var mask = Vector256.Create(BitPacking.Mask(bits));
            var bitPosition = Vector256.Create(0u, 0, 0, 0, 1, 1, 1, 1) * (uint)(Steps * bits);
            var step = Vector256.Create((uint)bits);
            var thirtyOne = Vector256.Create(31u);
            var thirtyTwo = Vector256.Create(32u);
            int low = 0, high = Steps * bits;
            for (int t = 0; t < Steps; t++, low += bits, high += bits, bitPosition += step)
            {
                int wordLow = (low >> 5) * 16, wordHigh = (high >> 5) * 16;
                var first = Vector256.Create(
                    Vector128.LoadUnsafe(ref source, (nuint)wordLow), Vector128.LoadUnsafe(ref source, (nuint)wordHigh)).AsUInt32();
                var next = Vector256.Create(
                    Vector128.LoadUnsafe(ref source, (nuint)(wordLow + 16)), Vector128.LoadUnsafe(ref source, (nuint)(wordHigh + 16))).AsUInt32();
                var shift = bitPosition & thirtyOne;
                var value = (Avx2.ShiftRightLogicalVariable(first, shift) | Avx2.ShiftLeftLogicalVariable(next, thirtyTwo - shift)) & mask;
                value.GetLower().StoreUnsafe(ref destination, (nuint)(t * 4));
                value.GetUpper().StoreUnsafe(ref destination, (nuint)(t * 4 + Steps * 4));
            }
        }
    }

    /// <summary>Four groups of four lanes, 8 steps, AVX-512 per-lane shifts.</summary>
    private readonly struct Vector512Kernel : IUnpackKernel
    {
        [SkipLocalsInit]
        public static void Unpack(ref byte source, int bits, ref uint destination)
        {
            const int Steps = BitPacking.ValuesPerLane / 4;
            var mask = Vector512.Create(BitPacking.Mask(bits));
            var bitPosition = Vector512.Create(0u, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3) * (uint)(Steps * bits);
            var step = Vector512.Create((uint)bits);
            var thirtyOne = Vector512.Create(31u);
            var thirtyTwo = Vector512.Create(32u);
            int groupBits = Steps * bits;
            for (int t = 0, bit = 0; t < Steps; t++, bit += bits, bitPosition += step)
            {
                int w0 = (bit >> 5) * 16, w1 = ((bit + groupBits) >> 5) * 16;
                int w2 = ((bit + 2 * groupBits) >> 5) * 16, w3 = ((bit + 3 * groupBits) >> 5) * 16;
                var first = Vector512.Create(
                    Vector256.Create(Vector128.LoadUnsafe(ref source, (nuint)w0), Vector128.LoadUnsafe(ref source, (nuint)w1)),
                    Vector256.Create(Vector128.LoadUnsafe(ref source, (nuint)w2), Vector128.LoadUnsafe(ref source, (nuint)w3))).AsUInt32();
                var next = Vector512.Create(
                    Vector256.Create(Vector128.LoadUnsafe(ref source, (nuint)(w0 + 16)), Vector128.LoadUnsafe(ref source, (nuint)(w1 + 16))),
                    Vector256.Create(Vector128.LoadUnsafe(ref source, (nuint)(w2 + 16)), Vector128.LoadUnsafe(ref source, (nuint)(w3 + 16)))).AsUInt32();
                var shift = bitPosition & thirtyOne;
                var value = (Avx512F.ShiftRightLogicalVariable(first, shift) | Avx512F.ShiftLeftLogicalVariable(next, thirtyTwo - shift)) & mask;
                var lower = value.GetLower();
                var upper = value.GetUpper();
                lower.GetLower().StoreUnsafe(ref destination, (nuint)(t * 4));
                lower.GetUpper().StoreUnsafe(ref destination, (nuint)(t * 4 + Steps * 4));
                upper.GetLower().StoreUnsafe(ref destination, (nuint)(t * 4 + 2 * Steps * 4));
                upper.GetUpper().StoreUnsafe(ref destination, (nuint)(t * 4 + 3 * Steps * 4));
            }
        }
    }
}
