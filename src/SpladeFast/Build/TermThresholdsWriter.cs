using System.Buffers.Binary;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>Writes the TermThresholds section: each list's k-th largest impacts for the default cuts.</summary>
public static class TermThresholdsWriter
{
    public static void Write(Stream section, InvertedLists postings)
    {
        var cuts = TermThresholdsLayout.DefaultCuts;
        int headerBytes = (8 + 4 * cuts.Count + 7) & ~7;
        var header = new byte[headerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)cuts.Count);
        for (int c = 0; c < cuts.Count; c++)
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8 + 4 * c), (uint)cuts[c]);
        section.Write(header);
        using var output = new BufferedStream(section, 1 << 16);
        var largest = new ushort[cuts[^1]];
        var row = new ushort[cuts.Count];
        for (int t = 0; t < postings.TermCount; t++)
        {
            int kept = Largest(postings.ImpactsOf(t), largest);
            var top = largest.AsSpan(0, kept);
            top.Sort(static (a, b) => b.CompareTo(a));
            for (int c = 0; c < cuts.Count; c++)
                row[c] = cuts[c] <= kept ? top[cuts[c] - 1] : (ushort)0;
            output.Write(MemoryMarshal.AsBytes(row.AsSpan()));
        }
    }

    /// <summary>
    /// The list's largest impacts, as many as <paramref name="heap"/> holds, in a min-heap: once full, most
    /// impacts lose against its root and cost one comparison.
    /// </summary>
    private static int Largest(ReadOnlySpan<ushort> impacts, ushort[] heap)
    {
        int count = 0;
        foreach (ushort impact in impacts)
        {
            if (count < heap.Length)
            {
                int i = count++;
                for (; i > 0 && heap[(i - 1) / 2] > impact; i = (i - 1) / 2)
                    heap[i] = heap[(i - 1) / 2];
                heap[i] = impact;
            }
            else if (impact > heap[0])
            {
                int i = 0;
                while (true)
                {
                    int child = 2 * i + 1;
                    if (child >= count)
                        break;
                    if (child + 1 < count && heap[child + 1] < heap[child])
                        child++;
                    if (heap[child] >= impact)
                        break;
                    heap[i] = heap[child];
                    i = child;
                }
                heap[i] = impact;
            }
        }
        return count;
    }
}
