using System.Buffers.Binary;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>
/// Writes, per term, its byte-quantized maximum impact in every docid range it occurs in
/// (<see cref="TermRangeBounds"/>): a dense row where that is smaller than the sparse list. Two walks over the
/// postings (sizes, then stream) keep memory at one entry per term.
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
    public static void Write(Stream section, int rangeSize, int documents, InvertedLists postings, ReadOnlySpan<TermEntry> termEntries)
    {
        int rangeCount = (documents + rangeSize - 1) / rangeSize;
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
            bool dense = (long)ranges * SparseEntryBytes >= rangeCount;
            if (!dense)
                dataLength = (dataLength + 3) & ~3ul; // the list's ranges are u32s
            terms[t] = new TermRangeBounds { Count = dense ? TermRangeBounds.Dense : ranges, MaxImpact = termEntries[t].MaxImpact, Offset = dataLength };
            dataLength += dense ? (ulong)rangeCount : (ulong)ranges * SparseEntryBytes;
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
        Span<byte> padding = stackalloc byte[4];
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
            else
            {
                output.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(listRanges)));
                output.Write(CollectionsMarshal.AsSpan(listBounds));
                written = terms[t].Offset + (ulong)listRanges.Count * SparseEntryBytes;
            }
        }
    }

    /// <summary>ceil(255 x max / termMax): never below the true maximum once scaled back by termMax / 255.</summary>
    public static byte Quantize(uint max, uint termMax) => termMax == 0 ? (byte)0 : (byte)((255ul * max + termMax - 1) / termMax);
}
