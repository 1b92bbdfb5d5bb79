using System.Buffers.Binary;
using System.Numerics;
using SpladeFast.Format;

namespace SpladeFast.Codecs;

/// <summary>
/// Bit-packing layouts of the posting blocks and their scalar reference implementations.
/// </summary>
/// <remarks>
/// A full block of 128 values uses the SIMD-BP128 "vertical" layout (the one of PISA's block_simdbp):
/// value i belongs to lane i % 4 as that lane's (i / 4)-th value; each lane is a bit stream of 32 values of
/// b bits, stored as b little-endian 32-bit words, and the words of the four lanes are interleaved:
/// <code>
///   word:   w0.l0 w0.l1 w0.l2 w0.l3 | w1.l0 w1.l1 w1.l2 w1.l3 | ... | w(b-1).l3     (16 * b bytes)
///   lane l stream: bits [j*b, j*b+b) hold value 4*j + l
/// </code>
/// so every 16-byte load feeds four lanes that all need the same shift. A partial (tail) block of n &lt; 128
/// values is packed "horizontally": value i at bits [i*b, i*b+b) of one little-endian word stream,
/// ceil(n*b/32) words. Readers must be able to read <see cref="ReadPadding"/> bytes past packed data.
/// </remarks>
public static class BitPacking
{
    /// <summary>Postings per block (PISA's block size).</summary>
    public const int BlockSize = IndexLayout.BlockSize;
    /// <summary>Lanes of the vertical layout: 32-bit values per 16-byte word.</summary>
    public const int Lanes = 4;
    /// <summary>Values per lane in a full block.</summary>
    public const int ValuesPerLane = BlockSize / Lanes;

    /// <summary>Bytes that decoders may read beyond the packed data (vector loads of the next word).</summary>
    public const int ReadPadding = 16;

    /// <summary>The fewest bits that hold every value: 0 when all are 0, at most 32.</summary>
    public static int RequiredBits(ReadOnlySpan<uint> values)
    {
        uint any = 0;
        foreach (var v in values)
            any |= v;
        return 32 - BitOperations.LeadingZeroCount(any);
    }

    /// <summary>The low <paramref name="bits"/> bits set (all 32 for bits &gt;= 32).</summary>
    public static uint Mask(int bits) => bits >= 32 ? uint.MaxValue : (1u << bits) - 1;

    /// <summary>Bytes taken by <paramref name="count"/> values of <paramref name="bits"/> bits.</summary>
    public static int PackedBytes(int count, int bits) =>
        count == BlockSize ? 16 * bits : ((count * bits + 31) >> 5) * 4;

    /// <summary>Packs 128 values (vertical layout) or fewer (horizontal layout); returns bytes written.</summary>
    public static int Pack(ReadOnlySpan<uint> values, int bits, Span<byte> destination)
    {
        if ((uint)bits > 32)
            ThrowHelper.ArgumentOutOfRange(nameof(bits), "Bit width must be 0..32.");
        if ((uint)values.Length > BlockSize)
            ThrowHelper.ArgumentOutOfRange(nameof(values), "At most 128 values per block.");
        int bytes = PackedBytes(values.Length, bits);
        if (destination.Length < bytes)
            ThrowHelper.DestinationTooShort(nameof(destination));
        destination[..bytes].Clear();
        if (bits == 0)
            return 0;
        uint mask = Mask(bits);
        bool vertical = values.Length == BlockSize;
        for (int i = 0; i < values.Length; i++)
        {
            if ((values[i] & ~mask) != 0)
                ThrowHelper.Argument(nameof(values), $"Value {values[i]} does not fit in {bits} bits.");
            (int lane, int index, int stride) = vertical ? (i & 3, i >> 2, Lanes) : (0, i, 1);
            long bit = (long)index * bits;
            int word = (int)(bit >> 5), shift = (int)(bit & 31);
            OrWord(destination, (word * stride + lane) * 4, values[i] << shift);
            if (shift + bits > 32)
                OrWord(destination, ((word + 1) * stride + lane) * 4, values[i] >> (32 - shift));
        }
        return bytes;
    }

    private static void OrWord(Span<byte> destination, int offset, uint bits)
    {
        var slot = destination.Slice(offset, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(slot, BinaryPrimitives.ReadUInt32LittleEndian(slot) | bits);
    }

    /// <summary>The reference decoder for both layouts; every vector path is tested against it.</summary>
    public static void UnpackScalar(ReadOnlySpan<byte> source, int count, int bits, Span<uint> destination)
    {
        if ((uint)bits > 32)
            ThrowHelper.ArgumentOutOfRange(nameof(bits), "Bit width must be 0..32.");
        if ((uint)count > BlockSize)
            ThrowHelper.ArgumentOutOfRange(nameof(count), "At most 128 values per block.");
        if (destination.Length < count)
            ThrowHelper.DestinationTooShort(nameof(destination));
        if (source.Length < PackedBytes(count, bits))
            ThrowHelper.SourceTooShort(nameof(source));
        uint mask = Mask(bits);
        bool vertical = count == BlockSize;
        for (int i = 0; i < count; i++)
        {
            if (bits == 0)
            {
                destination[i] = 0;
                continue;
            }
            (int lane, int index, int stride) = vertical ? (i & 3, i >> 2, Lanes) : (0, i, 1);
            long bit = (long)index * bits;
            int word = (int)(bit >> 5), shift = (int)(bit & 31);
            uint value = ReadWord(source, (word * stride + lane) * 4) >> shift;
            if (shift + bits > 32)
                value |= ReadWord(source, ((word + 1) * stride + lane) * 4) << (32 - shift);
            destination[i] = value & mask;
        }
    }

    private static uint ReadWord(ReadOnlySpan<byte> source, int offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(offset, 4));
}
