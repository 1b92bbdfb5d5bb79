using System.Buffers.Binary;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>Writes the TermThresholds section: each list's k-th largest impacts for the default cuts.</summary>
public static class TermThresholdsWriter
{
    /// <summary>Writes each list's <see cref="TermThresholdsLayout.DefaultCuts"/>-th largest impacts (0 where the list is shorter).</summary>
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
        // A min-queue of a list's largest impacts: once full, most impacts lose against its head.
        var largest = new PriorityQueue<ushort, ushort>(cuts[^1]);
        var top = new ushort[cuts[^1]];
        var row = new ushort[cuts.Count];
        for (int t = 0; t < postings.TermCount; t++)
        {
            largest.Clear();
            foreach (ushort impact in postings.ImpactsOf(t))
            {
                if (largest.Count < top.Length)
                    largest.Enqueue(impact, impact);
                else if (impact > largest.Peek())
                    largest.EnqueueDequeue(impact, impact);
            }
            int kept = 0;
            foreach (var (impact, _) in largest.UnorderedItems)
                top[kept++] = impact;
            top.AsSpan(0, kept).Sort(static (a, b) => b.CompareTo(a));
            for (int c = 0; c < cuts.Count; c++)
                row[c] = cuts[c] <= kept ? top[cuts[c] - 1] : (ushort)0;
            output.Write(MemoryMarshal.AsBytes(row.AsSpan()));
        }
    }
}
