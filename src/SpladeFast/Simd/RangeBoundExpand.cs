using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SpladeFast.Format;

namespace SpladeFast.Simd;

/// <summary>
/// sums[r] += weight x q(r) for a term whose bounds are stored as a bitmap of its ranges and one byte per set bit
/// (<see cref="TermRangeBounds"/>): the inner loop of bmp's range upper bounds for the terms found in many ranges.
/// Each step expands one 64-range word's bytes into place (zero where the term is absent) and adds them as a dense
/// row would be: VPEXPANDB with AVX-512 VBMI2, a PSHUFB table 8 ranges at a time with SSSE3, or the scalar loop.
/// </summary>
public static class RangeBoundExpand
{
    /// <summary>The path <see cref="AddExpanded(ReadOnlySpan{ulong}, ReadOnlySpan{byte}, uint, Span{uint})"/> takes on this machine.</summary>
    public static VectorPath Best { get; } = IsSupported(VectorPath.Vector512) ? VectorPath.Vector512
        : IsSupported(VectorPath.Vector128) ? VectorPath.Vector128 : VectorPath.Scalar;

    /// <summary>Whether this kernel has <paramref name="path"/> here: Vector512 needs AVX-512 VBMI2, Vector128 SSSE3; no Vector256.</summary>
    public static bool IsSupported(VectorPath path) => path switch
    {
        VectorPath.Scalar => true,
        VectorPath.Vector128 => Ssse3.IsSupported,
        VectorPath.Vector512 => Avx512Vbmi2.IsSupported && Avx512BW.IsSupported,
        _ => false,
    };

    /// <summary>
    /// For each range r = 64 w + b with bit b of presence[w] set, in increasing order: sums[r] += weight x the next
    /// byte of <paramref name="bounds"/>, with <see cref="Best"/>. Returns the bytes read (the bits set).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bounds"/> holds fewer bytes than bits set.</exception>
    /// <exception cref="IndexOutOfRangeException">A set bit lies past <paramref name="sums"/>.</exception>
    public static int AddExpanded(ReadOnlySpan<ulong> presence, ReadOnlySpan<byte> bounds, uint weight, Span<uint> sums) =>
        AddExpanded(Best, presence, bounds, weight, sums);

    /// <summary>The same with <paramref name="path"/> (tests and benchmarks compare paths).</summary>
    /// <exception cref="ArgumentException">The path is not supported here.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bounds"/> holds fewer bytes than bits set.</exception>
    /// <exception cref="IndexOutOfRangeException">A set bit lies past <paramref name="sums"/>.</exception>
    public static unsafe int AddExpanded(VectorPath path, ReadOnlySpan<ulong> presence, ReadOnlySpan<byte> bounds, uint weight, Span<uint> sums)
    {
        if (!IsSupported(path))
            ThrowHelper.Argument(nameof(path), $"{path} is not supported by this kernel on this machine.");
        if (CountBits(presence) > bounds.Length)
            ThrowHelper.ArgumentOutOfRange(nameof(bounds), $"{CountBits(presence)} ranges but {bounds.Length} bounds.");
        // The vector kernels take whole words while a word's 64 sums lie inside sums; the scalar loop the rest.
        var whole = presence[..Math.Min(presence.Length, sums.Length / 64)];
        ref uint destination = ref MemoryMarshal.GetReference(sums);
        int words = 0, read = 0;
        fixed (byte* source = bounds)
        {
            if (path == VectorPath.Vector512)
                words = Run<Vector512Kernel>(whole, source, long.MaxValue, weight, ref destination, out read);
            else if (path == VectorPath.Vector128)
                words = Run<Vector128Kernel>(whole, source, bounds.Length - Vector128Kernel.OverRead, weight, ref destination, out read);
        }
        return AddScalar(presence, words, bounds, read, weight, sums);
    }

    private static int CountBits(ReadOnlySpan<ulong> words)
    {
        int bits = 0;
        foreach (ulong word in words)
            bits += BitOperations.PopCount(word);
        return bits;
    }

    /// <summary>The reference, from word <paramref name="firstWord"/> and byte <paramref name="next"/> on; returns the bytes read in all.</summary>
    private static int AddScalar(ReadOnlySpan<ulong> presence, int firstWord, ReadOnlySpan<byte> bounds, int next, uint weight, Span<uint> sums)
    {
        for (int w = firstWord; w < presence.Length; w++)
        {
            for (ulong bits = presence[w]; bits != 0; bits &= bits - 1)
                sums[w * 64 + BitOperations.TrailingZeroCount(bits)] += weight * bounds[next++];
        }
        return next;
    }

    /// <summary>Expands the words of <paramref name="presence"/> while the bytes read stay at most
    /// <paramref name="limit"/>; returns the words done, and the bytes read in <paramref name="read"/>.</summary>
    private static unsafe int Run<TKernel>(ReadOnlySpan<ulong> presence, byte* source, long limit, uint weight, ref uint destination, out int read)
        where TKernel : struct, IKernel
    {
        byte* next = source;
        int w = 0;
        for (; w < presence.Length && next - source <= limit; w++)
            next += TKernel.Add(presence[w], next, weight, ref Unsafe.Add(ref destination, w * 64));
        read = (int)(next - source);
        return w;
    }

    private interface IKernel
    {
        /// <summary>Adds one word's 64 ranges; returns the bytes read (its bits set).</summary>
        static abstract unsafe int Add(ulong presence, byte* bounds, uint weight, ref uint destination);
    }

    private readonly struct Vector512Kernel : IKernel
    {
        /// <summary>Per byte i of a vector: the byte of the word that holds bit i (pshufb works inside 16-byte lanes, each a copy of the word).</summary>
        private static readonly Vector512<byte> WordByte = Vector512.Create(
            (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
            4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);

        /// <summary>Per byte i: bit i % 8.</summary>
        private static readonly Vector512<byte> BitOfByte = Vector512.Create(0x8040201008040201ul).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe int Add(ulong presence, byte* bounds, uint weight, ref uint destination)
        {
            var mask = Vector512.Equals(Avx512BW.Shuffle(Vector512.Create(presence).AsByte(), WordByte) & BitOfByte, BitOfByte);
            RangeBoundSums.Vector512Kernel.AddWidened(Avx512Vbmi2.ExpandLoad(bounds, mask, Vector512<byte>.Zero), weight, ref destination);
            return BitOperations.PopCount(presence);
        }
    }

    private readonly struct Vector128Kernel : IKernel
    {
        /// <summary>A word's loads reach this many bytes past its first: the last starts at most 56 past it and reads 16.</summary>
        public const int OverRead = 72;

        /// <summary>Per 8-bit presence mask m: the PSHUFB control that moves the k-th byte to the k-th set bit's place (0x80, zero, elsewhere).</summary>
        private static readonly Vector128<byte>[] Controls = BuildControls();

        private static Vector128<byte>[] BuildControls()
        {
            var controls = new Vector128<byte>[256];
            Span<byte> control = stackalloc byte[16];
            for (int m = 0; m < 256; m++)
            {
                control.Fill(0x80);
                byte next = 0;
                for (int i = 0; i < 8; i++)
                {
                    if ((m >> i & 1) != 0)
                        control[i] = next++;
                }
                controls[m] = Vector128.Create((ReadOnlySpan<byte>)control);
            }
            return controls;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe int Add(ulong presence, byte* bounds, uint weight, ref uint destination)
        {
            var scale = Vector128.Create(weight);
            byte* next = bounds;
            for (int part = 0; part < 8; part++)
            {
                int m = (int)(presence >> (8 * part)) & 0xFF;
                var expanded = Ssse3.Shuffle(Vector128.Load(next), Controls[m]);
                var (low, _) = Vector128.Widen(expanded);
                var (a, b) = Vector128.Widen(low);
                ref uint sums = ref Unsafe.Add(ref destination, 8 * part);
                (Vector128.LoadUnsafe(ref sums) + a * scale).StoreUnsafe(ref sums);
                (Vector128.LoadUnsafe(ref sums, 4) + b * scale).StoreUnsafe(ref sums, 4);
                next += BitOperations.PopCount((uint)m);
            }
            return (int)(next - bounds);
        }
    }
}
