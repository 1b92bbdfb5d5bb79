using System.Runtime.InteropServices;

namespace SpladeFast.Format;

/// <summary>
/// The index is one file: a fixed header, a section table, then the sections, each 64-byte aligned.
/// <code>
///   0      IndexHeader (128 bytes, the last 8 an XxHash3 of the header's first 120 bytes and the section table)
///   128    SectionEntry[SectionCount] (32 bytes each)
///   ...    sections: Metadata | Vocabulary | DocumentIds | Postings | Skips | Terms
/// </code>
/// Every section carries its own XxHash3 checksum in the table. All integers are little-endian.
/// </summary>
public static class IndexLayout
{
    public static ReadOnlySpan<byte> Magic => "SPLDFAST"u8;
    public const uint Version = 1;
    public const int HeaderSize = 128;
    public const int SectionEntrySize = 32;
    public const int MaxSections = 16;
    public const int SectionAlignment = 64;
    /// <summary>Zero bytes after the last block, so vector decoders may read past any block.</summary>
    public const int PostingsPadding = 64;
}

public enum SectionKind : uint
{
    Metadata = 1,
    Vocabulary = 2,
    DocumentIds = 3,
    Postings = 4,
    Skips = 5,
    Terms = 6,
    /// <summary>Optional (index --bmp): each document's (term, impact) pairs, for block-max pruning.</summary>
    Forward = 7,
    /// <summary>Optional (index --bmp): per term, the maximum impact in each docid range it occurs in.</summary>
    RangeMaxima = 8,
}

/// <summary>
/// <code>
///   0  Magic "SPLDFAST"      8  Version u32        12 SectionCount u32
///   16 DocumentCount u64     24 TermCount u64      32 PostingCount u64
///   40 ImpactScale f64       48 QuantBits u32      52 BlockSize u32
///   56 MaxImpact u32         60 reserved (60 bytes, zero)
///   120 Checksum u64: XxHash3 of bytes 0..120 followed by the section table
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = IndexLayout.HeaderSize)]
public struct IndexHeader
{
    [FieldOffset(0)] public ulong Magic;
    [FieldOffset(8)] public uint Version;
    [FieldOffset(12)] public uint SectionCount;
    [FieldOffset(16)] public ulong DocumentCount;
    [FieldOffset(24)] public ulong TermCount;
    [FieldOffset(32)] public ulong PostingCount;
    /// <summary>impact = weight x ImpactScale (rounded); scores divide by it to return to weight units.</summary>
    [FieldOffset(40)] public double ImpactScale;
    /// <summary>0: fixed scale (naver/splade's round(w * 100)); 8 or 16: PISA-style linear quantizer.</summary>
    [FieldOffset(48)] public uint QuantBits;
    [FieldOffset(52)] public uint BlockSize;
    [FieldOffset(56)] public uint MaxImpact;
    [FieldOffset(120)] public ulong Checksum;
}

/// <summary>
/// <code>
///   0 Kind u32   4 reserved u32   8 Offset u64   16 Length u64   24 Checksum u64 (XxHash3 of the section's bytes)
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = IndexLayout.SectionEntrySize)]
public struct SectionEntry
{
    [FieldOffset(0)] public SectionKind Kind;
    [FieldOffset(8)] public ulong Offset;
    [FieldOffset(16)] public ulong Length;
    [FieldOffset(24)] public ulong Checksum;
}

/// <summary>
/// One per term, in term-id order (Terms section).
/// <code>
///   0 PostingsOffset u64 (in the Postings section)   8 PostingCount u32   12 FirstBlock u32 (in Skips)
///   16 MaxImpact u32                                 20 reserved u32
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
public struct TermEntry
{
    [FieldOffset(0)] public ulong PostingsOffset;
    [FieldOffset(8)] public uint PostingCount;
    [FieldOffset(12)] public uint FirstBlock;
    [FieldOffset(16)] public uint MaxImpact;

    public readonly int BlockCount => (int)((PostingCount + Codecs.BitPacking.BlockSize - 1) / Codecs.BitPacking.BlockSize);
}

/// <summary>
/// A posting of the forward index (Forward section).
/// <code>
///   Forward section:  0 EntryCount u64   8 DocumentOffsets u64[DocumentCount + 1] (entry index)   then ForwardEntry[EntryCount]
///   ForwardEntry:     0 Term u16   2 Impact u16
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
public struct ForwardEntry
{
    [FieldOffset(0)] public ushort Term;
    [FieldOffset(2)] public ushort Impact;
}

/// <summary>
/// A term's maximum impact within one docid range [Range x RangeSize, (Range + 1) x RangeSize).
/// <code>
///   RangeMaxima section: 0 RangeSize u32   4 RangeCount u32   8 TermCount u64   16 TermOffsets u64[TermCount + 1]
///                        then RangeMax[...], each term's in increasing range order
///   RangeMax:            0 Range u32   4 MaxImpact u16   (6 bytes, unaligned)
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 6)]
public struct RangeMax
{
    [FieldOffset(0)] public uint Range;
    [FieldOffset(4)] public ushort MaxImpact;
}

/// <summary>
/// One per block of 128 postings (Skips section), readable without touching the block's bytes.
/// <code>
///   0 LastDocId u32   4 MaxImpact u32   8 Offset u32 (from the term's PostingsOffset)
///   12 DocBits u8     13 ImpactBits u8  14 reserved u16
/// </code>
/// The block's bytes: docid gaps (minus one) packed in DocBits bits, then impacts packed in ImpactBits bits.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct BlockSkip
{
    [FieldOffset(0)] public uint LastDocId;
    [FieldOffset(4)] public uint MaxImpact;
    [FieldOffset(8)] public uint Offset;
    [FieldOffset(12)] public byte DocBits;
    [FieldOffset(13)] public byte ImpactBits;
}
