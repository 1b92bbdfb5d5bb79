using System.Numerics;
using System.Runtime.InteropServices;

namespace SpladeFast.Format;

/// <summary>
/// The index is one file: a fixed header, a section table, then the sections, each 64-byte aligned.
/// <code>
///   0      IndexHeader (128 bytes, the last 8 an XxHash3 of the header's first 120 bytes and the section table)
///   128    SectionEntry[SectionCount] (32 bytes each)
///   ...    sections: Metadata | Vocabulary | DocumentIds | Postings | Skips | Terms | TermThresholds | optional ones
/// </code>
/// Every section carries its own XxHash3 checksum in the table. All integers are little-endian.
/// </summary>
public static class IndexLayout
{
    /// <summary>The first 8 bytes of every index file.</summary>
    public static ReadOnlySpan<byte> Magic => "SPLDFAST"u8;

    /// <summary>
    /// The format version this build writes. Version 3 (current): the bmp data, where the metadata records a bmp
    /// range size, is the compact layout: <see cref="SectionKind.RangeBoundsBitmap"/> always, and
    /// <see cref="SectionKind.RangeForwardPacked"/> where every impact fits beside the document offset in 16 bits and
    /// no range holds more than 65,536 entries (else <see cref="SectionKind.RangeForward"/>, as in version 2); kinds
    /// 7 to 10 do not occur. Version 2: every file carries <see cref="SectionKind.TermThresholds"/>, and its bmp data
    /// is <see cref="SectionKind.RangeForward"/> and <see cref="SectionKind.RangeBounds"/>; kinds 7 to 9 do not occur.
    /// Version 1: the same sections, but TermThresholds may be missing (files written before it) and the bmp data may
    /// be missing or in an earlier layout (kinds 7 to 9). <c>splade-fast upgrade</c> (<c>Rewrite.IndexUpgrader</c>)
    /// rewrites a version 1 or 2 file as version 3; versions 1 and 2 still open and search exactly.
    /// </summary>
    public const uint Version = 3;

    /// <summary>The oldest format version this build still opens (see <see cref="Version"/>).</summary>
    public const uint OldestSupportedVersion = 1;

    /// <summary>Bytes of <see cref="IndexHeader"/>.</summary>
    public const int HeaderSize = 128;
    /// <summary>Bytes of one <see cref="SectionEntry"/>.</summary>
    public const int SectionEntrySize = 32;
    /// <summary>The section table's capacity.</summary>
    public const int MaxSections = 16;
    /// <summary>Every section starts at a multiple of this many bytes (a cache line).</summary>
    public const int SectionAlignment = 64;
    /// <summary>Zero bytes after the last block, so vector decoders may read past any block.</summary>
    public const int PostingsPadding = 64;
    /// <summary>The largest bmp range: entries store a document's offset in its range in one byte.</summary>
    public const int MaxRangeSize = 256;
    /// <summary>Postings per compressed block (the last block of a list may hold fewer).</summary>
    public const int BlockSize = 128;
}

/// <summary>What a section holds, as its table entry names it; a reader looks sections up by kind and skips kinds it does not know.</summary>
public enum SectionKind : uint
{
    /// <summary>JSON: the tool, vocabulary source, quantization, inputs and properties (<c>Index.IndexMetadata</c>, a layer above).</summary>
    Metadata = 1,
    /// <summary>The tokens by term id (<see cref="StringTable"/>).</summary>
    Vocabulary = 2,
    /// <summary>The document ids by docid (<see cref="StringTable"/>).</summary>
    DocumentIds = 3,
    /// <summary>Every term's blocks of 128 postings, bit-packed, then <see cref="IndexLayout.PostingsPadding"/> zero bytes.</summary>
    Postings = 4,
    /// <summary>One <see cref="BlockSkip"/> per block, term by term.</summary>
    Skips = 5,
    /// <summary>One <see cref="TermEntry"/> per term, by term id.</summary>
    Terms = 6,
    // 7 and 8 held an earlier bmp layout (document-major forward index, 16-bit range maxima), 9 a forward index
    // with sorted term lists; indexes that still carry them open and search without bmp data (a rewrite such as
    // 'prune --min-impact 0' writes it anew).
    /// <summary>Optional (index --bmp): per term, its quantized maximum impact in each docid range.</summary>
    RangeBounds = 10,
    /// <summary>Optional: per term, its 10th, 100th and 1000th largest impact (safe initial top-k thresholds).</summary>
    TermThresholds = 11,
    /// <summary>Optional (index --bmp): the forward index, term-major within each docid range, 3-byte entries and u32 pair starts (<see cref="RangeForwardLayout"/>).</summary>
    RangeForward = 12,
    /// <summary>Optional: each document's input ordinal, when it differs from its docid (reordered indexes).</summary>
    DocumentOrder = 13,
    /// <summary>
    /// Optional (live index segments): each document's sequence number, u32[DocumentCount], strictly increasing
    /// with docid: the order in which the live index acknowledged the adds, by which score ties break across segments.
    /// </summary>
    Sequence = 14,
    /// <summary>Optional (index --store, live segments): each document's source fields, LZ4-compressed in blocks (<see cref="StoredFieldsLayout"/>).</summary>
    StoredFields = 15,
    /// <summary>
    /// Optional (index --bmp, version 3): the forward index of <see cref="RangeForward"/> with 16-bit entries (impact
    /// and document offset packed) and 16-bit pair starts (<see cref="RangeForwardLayout"/>, "packed").
    /// </summary>
    RangeForwardPacked = 16,
    /// <summary>
    /// Optional (index --bmp, version 3): the range maxima of <see cref="RangeBounds"/>, a sparse term's ranges as a
    /// bitmap instead of a u32 list (<see cref="TermRangeBounds"/>).
    /// </summary>
    RangeBoundsBitmap = 17,
}

/// <summary>
/// Stored fields: each document's source (its JSONL line without the vector) in blocks of
/// <c>DocumentsPerBlock</c> documents, each block compressed alone with LZ4 (as Lucene's stored fields), so fetching a
/// hit's fields decompresses one small block.
/// <code>
///   0 DocumentsPerBlock u32   4 BlockCount u32   8 reserved u64
///   16 BlockOffsets u64[BlockCount + 1]   (from the start of the data)
///   .. RawLengths u32[BlockCount]         (each block's length before compression)
///   .. zeros to 8 bytes, then the data: the compressed blocks one after another
/// </code>
/// A block before compression: Offsets u32[n + 1] of its n documents (from the end of the offsets), then their bytes.
/// </summary>
public static class StoredFieldsLayout
{
    /// <summary>Bytes before the block offsets.</summary>
    public const int HeaderSize = 16;
    /// <summary>Documents per compressed block, as writers use it.</summary>
    public const int DefaultDocumentsPerBlock = 16;
}

/// <summary>
/// Input ordinals (the order score ties break in) and their inverse, both permutations of 0..DocumentCount-1.
/// <code>
///   0 Ordinals u32[DocumentCount]   (by docid)   then DocIds u32[DocumentCount]   (by ordinal)
/// </code>
/// Absent when every document's ordinal is its docid.
/// </summary>
public static class DocumentOrderLayout
{
    /// <summary>The section's bytes for <paramref name="documents"/> documents: two u32 arrays.</summary>
    public static ulong Length(ulong documents) => 2 * sizeof(uint) * documents;
}

/// <summary>
/// Per term, its k-th largest impact for a few k ("cuts"), 0 where the list is shorter than k. A query's k-th best
/// score is at least max over its terms of weight x the term's k'-th largest impact for any cut k' &gt;= k, since
/// those k' documents score at least that much from that term alone: a safe threshold to start from.
/// <code>
///   0 CutCount u32   4 reserved u32   8 Cuts u32[CutCount] (increasing)   then zeros to 8 bytes
///   .. KthImpacts u16[TermCount x CutCount] (term-major)
/// </code>
/// </summary>
public static class TermThresholdsLayout
{
    /// <summary>The k values writers store thresholds for: 10, 100 and 1000.</summary>
    public static IReadOnlyList<int> DefaultCuts { get; } = [10, 100, 1000];
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
    /// <summary><see cref="IndexLayout.Magic"/>, read as a little-endian u64.</summary>
    [FieldOffset(0)] public ulong Magic;
    /// <summary>The format version (<see cref="IndexLayout.Version"/>).</summary>
    [FieldOffset(8)] public uint Version;
    /// <summary>Entries in the section table (at most <see cref="IndexLayout.MaxSections"/>).</summary>
    [FieldOffset(12)] public uint SectionCount;
    /// <summary>Documents, docids 0 .. DocumentCount - 1.</summary>
    [FieldOffset(16)] public ulong DocumentCount;
    /// <summary>Terms, term ids 0 .. TermCount - 1.</summary>
    [FieldOffset(24)] public ulong TermCount;
    /// <summary>Postings over all terms.</summary>
    [FieldOffset(32)] public ulong PostingCount;
    /// <summary>impact = weight x ImpactScale (rounded); scores divide by it to return to weight units.</summary>
    [FieldOffset(40)] public double ImpactScale;
    /// <summary>0: fixed scale (naver/splade's round(w * 100)); 8 or 16: PISA-style linear quantizer.</summary>
    [FieldOffset(48)] public uint QuantBits;
    /// <summary>Postings per block (128; files with another value are refused).</summary>
    [FieldOffset(52)] public uint BlockSize;
    /// <summary>The largest impact of any posting.</summary>
    [FieldOffset(56)] public uint MaxImpact;
    /// <summary>XxHash3 of header bytes 0..120 followed by the section table.</summary>
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
    /// <summary>What the section holds.</summary>
    [FieldOffset(0)] public SectionKind Kind;
    /// <summary>Where it starts, in bytes from the start of the file (a multiple of <see cref="IndexLayout.SectionAlignment"/>).</summary>
    [FieldOffset(8)] public ulong Offset;
    /// <summary>Its length in bytes.</summary>
    [FieldOffset(16)] public ulong Length;
    /// <summary>XxHash3 of its bytes.</summary>
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
    /// <summary>Where the term's first block starts in the Postings section, in bytes.</summary>
    [FieldOffset(0)] public ulong PostingsOffset;
    /// <summary>The term's postings (its document frequency).</summary>
    [FieldOffset(8)] public uint PostingCount;
    /// <summary>Its first block's index in the Skips section.</summary>
    [FieldOffset(12)] public uint FirstBlock;
    /// <summary>Its largest impact (the list's upper bound for MaxScore and WAND).</summary>
    [FieldOffset(16)] public uint MaxImpact;

    /// <summary>Its blocks: ceil(PostingCount / 128).</summary>
    public readonly int BlockCount => (int)((PostingCount + IndexLayout.BlockSize - 1) / IndexLayout.BlockSize);
}

/// <summary>
/// The bmp forward index, document ranges one after another and term-major inside each range, so scoring a range
/// touches only the query's terms (BMP's block-forward index).
/// <code>
///   0  RangeSize u32      4  RangeCount u32      8  PairCount u64      16 EntryCount u64
///   24 TermLines u32 (term-set lines per range: ceil(TermCount / 496))  28 reserved u32 (zero)
///   32 RangePairs u64[RangeCount + 1]    index of each range's first (term, range) pair
///   .. RangeEntries u64[RangeCount + 1]  index of each range's first entry
///   .. zeros to a 64-byte boundary
///   .. TermSets: TermLines lines of 64 bytes per range, the set of its terms (below)
///   .. PairStarts u32[PairCount]         each pair's first entry, from its range's first entry
///   .. Entries: EntryCount x 3 bytes     document offset u8 (docid - range's first docid, increasing within a
///                                        pair), impact u16
/// </code>
/// A range's pairs are its terms in increasing order; a pair's entries end where the next pair starts, the last
/// at the range's end. Term-set line j covers terms 496j .. 496j + 495:
/// <code>
///   bits 0..495 (u64 words 0..7, bit b of word w is term 496j + 64w + b): the term occurs in the range
///   bits 496..511 (the top 16 bits of word 7): how many of the range's terms lie in lines 0..j-1
/// </code>
/// so a term's pair is found from one cache line, its presence a bit and its rank a few popcounts: a range's
/// query terms are located by independent loads instead of a sweep through its term list.
/// <para>
/// The packed layout (<see cref="SectionKind.RangeForwardPacked"/>, version 3) differs in four fields:
/// <code>
///   28 DocBits u16 (bits of a document offset: ceil(log2 RangeSize), 0 for ranges of one document)
///   30 ImpactBits u16 (bits of the largest impact, at least 1; DocBits + ImpactBits = EntryBits, at most 16)
///   term-set lines: the top 16 bits hold the range's entries before the line's first pair (not its pairs)
///   .. StartBits u64[EntryCount / 64 + 1]  bit e set when entry e (counted over the whole section) starts a
///                                         pair, and bit EntryCount set (nothing after it)
///   .. Entries: EntryCount x EntryBits bits, impact &lt;&lt; DocBits | document offset, entry e from bit
///                                         e x EntryBits (little-endian bit order), then 4 zero bytes
/// </code>
/// A term's entries start at the k-th set bit from the line's value (k: its rank inside the line, found with the
/// same popcounts) and end at the next set bit: 1 bit per entry instead of 4 bytes per pair, and an entry takes
/// EntryBits bits (15 for SPLADE's impacts below 512 and ranges of 64 documents) instead of 3 bytes. A range holds at most 65,535 entries (the line values are u16) and every impact is below
/// 2^(16 - DocBits); for SPLADE's impacts (x100, below 1,024) and ranges of 64 documents both limits hold, and a
/// writer whose data exceeds either writes <see cref="SectionKind.RangeForward"/> instead.
/// </para>
/// </summary>
public static class RangeForwardLayout
{
    /// <summary>Bytes of the section header.</summary>
    public const int HeaderSize = 32;
    /// <summary>Bytes of a term-set line (a cache line).</summary>
    public const int LineBytes = 64;
    /// <summary>u64 words of a term-set line.</summary>
    public const int LineWords = LineBytes / sizeof(ulong);
    /// <summary>Terms per term-set line: 512 bits less the 16-bit rank.</summary>
    public const int TermsPerLine = 496;
    /// <summary>Bytes of an entry: document offset u8, impact u16.</summary>
    public const int EntryBytes = 3;
    /// <summary>Zero bytes after the packed entries: an entry is read as the u32 at its first bit's byte.</summary>
    public const int PackedPadding = 4;

    /// <summary>Bytes of <paramref name="entryCount"/> packed entries of <paramref name="entryBits"/> bits and the padding.</summary>
    public static ulong PackedEntriesBytes(ulong entryCount, int entryBits) => (entryCount * (ulong)entryBits + 7) / 8 + PackedPadding;

    /// <summary>Bits of the impact in a packed entry for impacts up to <paramref name="maxImpact"/>: its bit length, at least 1.</summary>
    public static int ImpactBits(uint maxImpact) => Math.Max(1, 32 - BitOperations.LeadingZeroCount(maxImpact));
    /// <summary>The most entries a packed range may hold: its term-set lines count them in 16 bits.</summary>
    public const int MaxPackedRangeEntries = ushort.MaxValue;

    /// <summary>u64 words of a packed section's pair-start bitmap: one bit per entry and the final bit.</summary>
    public static ulong StartWords(ulong entryCount) => entryCount / 64 + 1;

    /// <summary>Bits of a document offset in a packed entry for ranges of <paramref name="rangeSize"/> documents: ceil(log2 rangeSize).</summary>
    public static int DocBits(int rangeSize) => rangeSize <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)rangeSize - 1);

    /// <summary>Whether impacts up to <paramref name="maxImpact"/> fit a packed entry beside a document offset of ranges of <paramref name="rangeSize"/> documents.</summary>
    public static bool ImpactsPack(uint maxImpact, int rangeSize) => maxImpact >> (16 - DocBits(rangeSize)) == 0;

    /// <summary>Term-set lines per range for <paramref name="termCount"/> terms: ceil(termCount / <see cref="TermsPerLine"/>).</summary>
    public static int TermLines(int termCount) => (termCount + TermsPerLine - 1) / TermsPerLine;

    /// <summary>Where the two offset arrays (RangePairs, RangeEntries) end.</summary>
    public static ulong OffsetsEnd(ulong rangeCount) => HeaderSize + 2 * sizeof(ulong) * (rangeCount + 1);

    /// <summary>Where the term sets start: after the header and both offset arrays, at a 64-byte boundary.</summary>
    public static ulong TermSetsOffset(ulong rangeCount) => (OffsetsEnd(rangeCount) + LineBytes - 1) & ~(ulong)(LineBytes - 1);
}

/// <summary>
/// Per term, its maximum impact in every docid range it occurs in, quantized to a byte rounding up:
/// q = ceil(255 x max / TermMax), so q x TermMax / 255 never understates the range's maximum. Terms found in many
/// ranges keep a dense row (one byte per range, zero where absent) that vector code adds whole; the others keep
/// their ranges as a sparse list.
/// <code>
///   RangeBounds section: 0 RangeSize u32   4 RangeCount u32   8 TermCount u64   16 DataLength u64
///                        24 TermRangeBounds[TermCount]   then the data bytes
///   dense row:   u8[RangeCount]
///   sparse list: Range u32[Count] then q u8[Count]   (ranges increasing)
/// </code>
/// The RangeBoundsBitmap section (version 3) keeps every term, dense or not, as a bitmap of its ranges
/// (ceil(RangeCount / 64) u64 words, bit r % 64 of word r / 64 set for range r, Count bits set) then q u8[Count] in
/// range order, at an 8-byte aligned offset: RangeCount / 8 + Count bytes instead of 5 x Count for a sparse term
/// and RangeCount for a dense row, the same bounds. The terms with 5 x Count &gt;= RangeCount (<see cref="DenseShare"/>)
/// are dense rows in version 2 and expanded a tile at a time with vector code in version 3, so the same terms take
/// the vector path. A sparse term whose ranges take fewer words as an Elias-Fano list (<see cref="UsesEliasFano"/>,
/// decided from Count and RangeCount alone) keeps them so instead of the bitmap: L = floor(log2(RangeCount / Count))
/// low bits of each range packed in LowWords u64 words (range i's at bit i x L), then its high part r &gt;&gt; L in
/// unary, bit (r &gt;&gt; L) + i of UpperWords u64 words set for the i-th range r; then q u8[Count] as before.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct TermRangeBounds
{
    /// <summary>Bytes of the section header before the <see cref="TermRangeBounds"/> entries.</summary>
    public const int HeaderSize = 24;
    /// <summary><see cref="Count"/> of a term kept as a dense row (version 2).</summary>
    public const uint Dense = uint.MaxValue;
    /// <summary>A term found in at least 1 / DenseShare of the ranges takes the vector path (a dense row in version 2).</summary>
    public const int DenseShare = 5;

    /// <summary>Bitmap layout: whether a term of <paramref name="count"/> ranges keeps them as an Elias-Fano list:
    /// a sparse term (count x <see cref="DenseShare"/> &lt; <paramref name="rangeCount"/>) whose list takes fewer words
    /// than the bitmap.</summary>
    public static bool UsesEliasFano(ulong count, ulong rangeCount) =>
        count > 0 && count * DenseShare < rangeCount && EliasFanoWords(count, rangeCount) < (rangeCount + 63) / 64;

    /// <summary>Elias-Fano: low bits per range, floor(log2(rangeCount / count)).</summary>
    public static int EliasFanoLowBits(ulong count, ulong rangeCount) => BitOperations.Log2(rangeCount / count);

    /// <summary>Elias-Fano: u64 words of the low bits.</summary>
    public static ulong EliasFanoLowWords(ulong count, ulong rangeCount) => (count * (ulong)EliasFanoLowBits(count, rangeCount) + 63) / 64;

    /// <summary>Elias-Fano: u64 words of both parts, the low bits then the unary high parts (count + ((rangeCount - 1) &gt;&gt; L) + 1 bits).</summary>
    public static ulong EliasFanoWords(ulong count, ulong rangeCount) =>
        EliasFanoLowWords(count, rangeCount) + (count + ((rangeCount - 1) >> EliasFanoLowBits(count, rangeCount)) + 1 + 63) / 64;

    /// <summary>Ranges in the sparse list, or <see cref="Dense"/>.</summary>
    [FieldOffset(0)] public uint Count;
    /// <summary>The term's largest impact: the scale of its quantized maxima.</summary>
    [FieldOffset(4)] public uint MaxImpact;
    /// <summary>Where the row or list starts in the data bytes.</summary>
    [FieldOffset(8)] public ulong Offset;
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
    /// <summary>The block's last (largest) docid.</summary>
    [FieldOffset(0)] public uint LastDocId;
    /// <summary>The block's largest impact (its block-max bound).</summary>
    [FieldOffset(4)] public uint MaxImpact;
    /// <summary>Where the block starts, in bytes from its term's PostingsOffset.</summary>
    [FieldOffset(8)] public uint Offset;
    /// <summary>Bits per docid gap (0 to 32).</summary>
    [FieldOffset(12)] public byte DocBits;
    /// <summary>Bits per impact (0 to 32).</summary>
    [FieldOffset(13)] public byte ImpactBits;
}
