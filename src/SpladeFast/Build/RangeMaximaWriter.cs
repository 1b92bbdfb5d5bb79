using System.Buffers.Binary;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>
/// Writes, per term, the maximum impact of every docid range the term occurs in. Two walks over the postings
/// (count, then stream) keep memory at one offset per term, whatever the collection size.
/// </summary>
public static class RangeMaximaWriter
{
    public static void Write(Stream section, int rangeSize, int documents, InvertedLists postings)
    {
        var (starts, docIds, impacts) = (postings.Starts, postings.DocIds, postings.Impacts);
        int terms = postings.TermCount;
        var offsets = new ulong[terms + 1];
        for (int t = 0; t < terms; t++)
        {
            ulong ranges = 0;
            uint previous = uint.MaxValue;
            for (long i = starts[t]; i < starts[t + 1]; i++)
            {
                uint range = docIds[i] / (uint)rangeSize;
                if (range != previous)
                    ranges++;
                previous = range;
            }
            offsets[t + 1] = offsets[t] + ranges;
        }
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)rangeSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)((documents + rangeSize - 1) / rangeSize));
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)terms);
        section.Write(header);
        section.Write(MemoryMarshal.AsBytes(offsets.AsSpan()));

        using var output = new BufferedStream(section, 1 << 20);
        Span<RangeMax> entry = stackalloc RangeMax[1];
        for (int t = 0; t < terms; t++)
        {
            for (long i = starts[t]; i < starts[t + 1];)
            {
                uint range = docIds[i] / (uint)rangeSize;
                ushort max = 0;
                for (; i < starts[t + 1] && docIds[i] / (uint)rangeSize == range; i++)
                    max = Math.Max(max, impacts[i]);
                entry[0] = new RangeMax { Range = range, MaxImpact = max };
                output.Write(MemoryMarshal.AsBytes(entry));
            }
        }
    }
}
