using System.Runtime.CompilerServices;
using SpladeFast.Format;

namespace SpladeFast.Codecs;

/// <summary>
/// A block of up to 128 postings: docid gaps (minus one) bit-packed, then impacts bit-packed, each with its own
/// width. Block-max data and widths live in the <see cref="BlockSkip"/> entry, not in the block.
/// </summary>
public static class PostingBlockCodec
{
    /// <summary>The largest encoded block: 128 docid gaps and 128 impacts of 32 bits.</summary>
    public const int MaxBlockBytes = 2 * 16 * 32;

    /// <summary>
    /// Encodes one block. <paramref name="previousLast"/> is the last docid of the previous block, or
    /// uint.MaxValue for a list's first block. Returns the skip entry (offset left for the caller).
    /// </summary>
    [SkipLocalsInit]
    public static BlockSkip Encode(ReadOnlySpan<uint> docIds, ReadOnlySpan<uint> impacts, uint previousLast,
        Span<byte> destination, out int written)
    {
        int count = docIds.Length;
        if (count == 0 || count > BitPacking.BlockSize || impacts.Length != count)
            ThrowHelper.Argument(nameof(docIds), "A block holds 1..128 postings with one impact each.");
        Span<uint> gaps = stackalloc uint[BitPacking.BlockSize];
        uint previous = previousLast;
        uint maxImpact = 0;
        for (int i = 0; i < count; i++)
        {
            bool listStart = i == 0 && previousLast == uint.MaxValue;
            if ((!listStart && docIds[i] <= previous) || docIds[i] == uint.MaxValue)
                ThrowHelper.Argument(nameof(docIds), "Docids must strictly increase and stay below uint.MaxValue.");
            gaps[i] = unchecked(docIds[i] - previous - 1);
            previous = docIds[i];
            maxImpact = Math.Max(maxImpact, impacts[i]);
        }
        int docBits = BitPacking.RequiredBits(gaps[..count]);
        int impactBits = BitPacking.RequiredBits(impacts);
        written = BitPacking.Pack(gaps[..count], docBits, destination);
        written += BitPacking.Pack(impacts, impactBits, destination[written..]);
        return new BlockSkip
        {
            LastDocId = docIds[count - 1],
            MaxImpact = maxImpact,
            DocBits = (byte)docBits,
            ImpactBits = (byte)impactBits,
        };
    }

    /// <summary>Decodes docids; <paramref name="block"/> must allow <see cref="BitPacking.ReadPadding"/> extra bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DecodeDocIds(ref byte block, int docBits, int count, uint previousLast, Span<uint> destination)
    {
        if (count == BitPacking.BlockSize)
            BlockUnpacker.UnpackUnchecked(ref block, docBits, ref MemoryMarshal.GetReference(destination));
        else
            BitPacking.UnpackScalar(MemoryMarshal.CreateReadOnlySpan(ref block, BitPacking.PackedBytes(count, docBits)), count, docBits, destination);
        DeltaDecoder.Decode(destination[..count], previousLast);
    }

    /// <summary>Decodes the impacts of a block of <paramref name="count"/> postings; <paramref name="block"/> must allow <see cref="BitPacking.ReadPadding"/> extra bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DecodeImpacts(ref byte block, int docBits, int impactBits, int count, Span<uint> destination)
    {
        ref byte impacts = ref Unsafe.Add(ref block, BitPacking.PackedBytes(count, docBits));
        if (count == BitPacking.BlockSize)
            BlockUnpacker.UnpackUnchecked(ref impacts, impactBits, ref MemoryMarshal.GetReference(destination));
        else
            BitPacking.UnpackScalar(MemoryMarshal.CreateReadOnlySpan(ref impacts, BitPacking.PackedBytes(count, impactBits)), count, impactBits, destination);
    }

    /// <summary>Bytes of an encoded block of <paramref name="count"/> postings with these widths.</summary>
    public static int EncodedBytes(int count, int docBits, int impactBits) =>
        BitPacking.PackedBytes(count, docBits) + BitPacking.PackedBytes(count, impactBits);
}
