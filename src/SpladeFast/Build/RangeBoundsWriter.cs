using System.Buffers.Binary;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>
/// Writes, per term, its byte-quantized maximum impact in every docid range it occurs in
/// (<see cref="TermRangeBounds"/>): in RangeBounds (version 2) a dense row where that is smaller than the sparse
/// u32 list, else the list; in RangeBoundsBitmap (version 3) a bitmap of its ranges and their bounds for every term.
/// Two walks over the postings (sizes, then stream) keep memory at one entry per term.
/// </summary>
public static class RangeBoundsWriter
{
    /// <summary>Bytes of a sparse list entry: a u32 range and a u8 bound.</summary>
    private const int SparseEntryBytes = 5;

    /// <param name="termEntries">The Terms section being written: each term's largest impact scales its bounds.</param>
    /// <param name="section">Receives the RangeBounds section.</param>
    /// <param name="rangeSize">Documents per docid range (at most <see cref="IndexLayout.MaxRangeSize"/>).</param>
    /// <param name="documents">The index's document count.</param>
    /// <param name="postings">The index's posting lists, in term-id order.</param>
    /// <param name="bitmaps">Whether to write RangeBoundsBitmap (every term a bitmap) rather than RangeBounds (dense rows and u32 lists).</param>
    public static void Write(Stream section, int rangeSize, int documents, InvertedLists postings, ReadOnlySpan<TermEntry> termEntries, bool bitmaps = true)
    {
        int rangeCount = (documents + rangeSize - 1) / rangeSize;
        int rangeWords = (rangeCount + 63) / 64;
        int alignment = bitmaps ? sizeof(ulong) : sizeof(uint);
        var terms = new TermRangeBounds[postings.TermCount];
        ulong dataLength = 0;
        for (int t = 0; t < terms.Length; t++)
        {
            var docIds = postings.DocIdsOf(t);
            uint ranges = 0, previous = uint.MaxValue;
            foreach (uint doc in docIds)
            {
                uint range = doc / (uint)rangeSize;
                ranges += range != previous ? 1u : 0u;
                previous = range;
            }
            bool dense = !bitmaps && (long)ranges * TermRangeBounds.DenseShare >= rangeCount;
            if (!dense)
                dataLength = (dataLength + (ulong)alignment - 1) & ~((ulong)alignment - 1); // the ranges are u32s or u64 words
            terms[t] = new TermRangeBounds { Count = dense ? TermRangeBounds.Dense : ranges, MaxImpact = termEntries[t].MaxImpact, Offset = dataLength };
            dataLength += dense ? (ulong)rangeCount
                : bitmaps ? RangeWords(ranges, rangeCount) * sizeof(ulong) + ranges : (ulong)ranges * SparseEntryBytes;
        }

        Span<byte> header = stackalloc byte[TermRangeBounds.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)rangeSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)rangeCount);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)terms.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], dataLength);
        section.Write(header);
        section.Write(MemoryMarshal.AsBytes(terms.AsSpan()));

        using var output = new BufferedStream(section, 1 << 20);
        var row = new byte[rangeCount];
        var listRanges = new List<uint>();
        var listBounds = new List<byte>();
        var bits = new ulong[rangeWords];
        Span<byte> padding = stackalloc byte[8];
        padding.Clear();
        ulong written = 0;
        for (int t = 0; t < terms.Length; t++)
        {
            output.Write(padding[..(int)(terms[t].Offset - written)]);
            var docIds = postings.DocIdsOf(t);
            var impacts = postings.ImpactsOf(t);
            uint termMax = terms[t].MaxImpact;
            listRanges.Clear();
            listBounds.Clear();
            for (int i = 0; i < docIds.Length;)
            {
                uint range = docIds[i] / (uint)rangeSize;
                ushort max = 0;
                for (; i < docIds.Length && docIds[i] / (uint)rangeSize == range; i++)
                    max = Math.Max(max, impacts[i]);
                listRanges.Add(range);
                listBounds.Add(Quantize(max, termMax));
            }
            if (terms[t].Count == TermRangeBounds.Dense)
            {
                Array.Clear(row);
                for (int i = 0; i < listRanges.Count; i++)
                    row[listRanges[i]] = listBounds[i];
                output.Write(row);
                written = terms[t].Offset + (ulong)rangeCount;
            }
            else if (bitmaps)
            {
                ulong words = RangeWords((uint)listRanges.Count, rangeCount);
                Array.Clear(bits);
                if (TermRangeBounds.UsesEliasFano((ulong)listRanges.Count, (ulong)rangeCount))
                    FillEliasFano(CollectionsMarshal.AsSpan(listRanges), rangeCount, bits.AsSpan(0, (int)words));
                else
                {
                    foreach (uint range in listRanges)
                        bits[range / 64] |= 1ul << (int)(range % 64);
                }
                output.Write(MemoryMarshal.AsBytes(bits.AsSpan(0, (int)words)));
                output.Write(CollectionsMarshal.AsSpan(listBounds));
                written = terms[t].Offset + words * sizeof(ulong) + (ulong)listRanges.Count;
            }
            else
            {
                output.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(listRanges)));
                output.Write(CollectionsMarshal.AsSpan(listBounds));
                written = terms[t].Offset + (ulong)listRanges.Count * SparseEntryBytes;
            }
        }
    }

    /// <summary>RangeBoundsBitmap: u64 words before a term's bounds, its Elias-Fano list or its bitmap.</summary>
    private static ulong RangeWords(uint ranges, int rangeCount) => TermRangeBounds.UsesEliasFano(ranges, (ulong)rangeCount)
        ? TermRangeBounds.EliasFanoWords(ranges, (ulong)rangeCount) : ((ulong)rangeCount + 63) / 64;

    /// <summary>Writes increasing <paramref name="ranges"/> as an Elias-Fano list (<see cref="TermRangeBounds"/>) into zeroed <paramref name="words"/>.</summary>
    private static void FillEliasFano(ReadOnlySpan<uint> ranges, int rangeCount, Span<ulong> words)
    {
        int lowBits = TermRangeBounds.EliasFanoLowBits((ulong)ranges.Length, (ulong)rangeCount);
        int lowWords = (int)TermRangeBounds.EliasFanoLowWords((ulong)ranges.Length, (ulong)rangeCount);
        for (int i = 0; i < ranges.Length; i++)
        {
            ulong low = ranges[i] & ((1ul << lowBits) - 1);
            int bit = i * lowBits;
            words[bit / 64] |= low << (bit % 64);
            if (bit % 64 + lowBits > 64)
                words[bit / 64 + 1] |= low >> (64 - bit % 64);
            int high = (int)(ranges[i] >> lowBits) + i;
            words[lowWords + high / 64] |= 1ul << (high % 64);
        }
    }

    /// <summary>
    /// Writes the bmp sections of <paramref name="forward"/> and <paramref name="postings"/> into
    /// <paramref name="writer"/> and returns their kinds: the version 3 layout (RangeForwardPacked where the forward
    /// index packs, else RangeForward; RangeBoundsBitmap), or with <paramref name="version2Layout"/> the version 2 one
    /// (RangeForward, RangeBounds: tests writing older files).
    /// </summary>
    /// <param name="writer">The index file being written.</param>
    /// <param name="forward">The forward index, every document added.</param>
    /// <param name="documents">The index's document count.</param>
    /// <param name="postings">The index's posting lists, in term-id order.</param>
    /// <param name="terms">The Terms section being written: each term's largest impact scales its bounds.</param>
    /// <param name="version2Layout">Whether to write the version 2 layout.</param>
    internal static SectionKind[] WriteSections(IndexFileWriter writer, RangeForwardWriter forward, int documents, InvertedLists postings,
        ReadOnlySpan<TermEntry> terms, bool version2Layout = false)
    {
        var forwardKind = forward.SectionFor(pack: !version2Layout);
        forward.CopyTo(writer.BeginSection(forwardKind), forwardKind);
        writer.EndSection();
        var boundsKind = version2Layout ? SectionKind.RangeBounds : SectionKind.RangeBoundsBitmap;
        Write(writer.BeginSection(boundsKind), forward.RangeSize, documents, postings, terms, bitmaps: !version2Layout);
        writer.EndSection();
        return [forwardKind, boundsKind];
    }

    /// <summary>ceil(255 x max / termMax): never below the true maximum once scaled back by termMax / 255.</summary>
    public static byte Quantize(uint max, uint termMax) => termMax == 0 ? (byte)0 : (byte)((255ul * max + termMax - 1) / termMax);
}
