using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Rewrite;

namespace SpladeFast.Prune;

public sealed record PruningReport(long PostingsBefore, long PostingsAfter, long IndexBytes);

/// <summary>
/// Static index pruning (Lassance et al., SIGIR 2023): removes postings by a document-centric, term-centric or
/// agnostic rule and writes a normal, checksummed index whose metadata records the rule. Ties are broken
/// deterministically: among equal impacts the smaller term id (document-centric) or docid (term-centric) stays.
/// </summary>
public static class StaticPruning
{
    public static PruningReport Write(SparseIndex source, string outputPath, PruningSpec spec, IProgress<BuildProgress>? progress = null)
    {
        spec.Validate();
        var forward = ForwardLists.FromIndex(source, progress);
        long before = forward.Count;
        var pruned = Apply(forward, source.TermCount, spec);
        long bytes = IndexRewriter.Write(source, pruned, null, outputPath, new Dictionary<string, string> { ["pruning"] = spec.ToString() }, progress);
        return new PruningReport(before, pruned.Count, bytes);
    }

    /// <summary>
    /// The postings each strategy keeps (documents unchanged, entries filtered). Filters in place: the input's
    /// arrays are reused, so <paramref name="forward"/> must not be used afterwards.
    /// </summary>
    public static ForwardLists Apply(ForwardLists forward, int termCount, PruningSpec spec)
    {
        var keep = new bool[forward.Count];
        switch (spec.Strategy)
        {
            case PruningStrategy.DocumentTop:
            case PruningStrategy.DocumentMass:
                KeepPerDocument(forward, spec, keep);
                break;
            case PruningStrategy.MinImpact:
                for (int i = 0; i < keep.Length; i++)
                    keep[i] = forward.Impacts[i] >= spec.Value;
                break;
            default:
                KeepPerTerm(forward, termCount, spec, keep);
                break;
        }
        return Filter(forward, keep);
    }

    private static void KeepPerDocument(ForwardLists forward, PruningSpec spec, bool[] keep)
    {
        var order = new List<int>();
        for (int d = 0; d < forward.DocumentCount; d++)
        {
            int start = (int)forward.Starts[d], count = (int)(forward.Starts[d + 1] - start);
            order.Clear();
            for (int i = 0; i < count; i++)
                order.Add(start + i);
            order.Sort((a, b) => forward.Impacts[a] != forward.Impacts[b] ? forward.Impacts[b].CompareTo(forward.Impacts[a]) : forward.Terms[a].CompareTo(forward.Terms[b]));
            if (spec.Strategy == PruningStrategy.DocumentTop)
            {
                for (int i = 0; i < Math.Min(count, (int)spec.Value); i++)
                    keep[order[i]] = true;
                continue;
            }
            double total = 0, kept = 0;
            foreach (int entry in order)
                total += forward.Impacts[entry];
            for (int i = 0; i < order.Count && kept < spec.Value * total; i++)
            {
                keep[order[i]] = true;
                kept += forward.Impacts[order[i]];
            }
        }
    }

    private static void KeepPerTerm(ForwardLists forward, int termCount, PruningSpec spec, bool[] keep)
    {
        // Group entry positions by term; within a term they come in docid order.
        var starts = new int[termCount + 1];
        int count = (int)forward.Count;
        foreach (int term in forward.Terms.AsSpan(0, count))
            starts[term + 1]++;
        for (int t = 0; t < termCount; t++)
            starts[t + 1] += starts[t];
        var byTerm = new int[count];
        var next = (int[])starts.Clone();
        for (int i = 0; i < count; i++)
            byTerm[next[forward.Terms[i]]++] = i;
        for (int t = 0; t < termCount; t++)
        {
            var entries = byTerm.AsSpan(starts[t], starts[t + 1] - starts[t]);
            if (spec.Strategy == PruningStrategy.MaxDocumentFrequency)
            {
                if (entries.Length <= spec.Value)
                {
                    foreach (int e in entries)
                        keep[e] = true;
                }
                continue;
            }
            if (spec.Strategy == PruningStrategy.TermTop)
            {
                // Stable sort keeps docid order among equal impacts.
                var sorted = entries.ToArray().OrderByDescending(e => forward.Impacts[e]).Take((int)spec.Value);
                foreach (int e in sorted)
                    keep[e] = true;
                continue;
            }
            if (entries.IsEmpty)
                continue;
            var impacts = entries.ToArray().Select(e => forward.Impacts[e]).Order().ToArray();
            ushort threshold = impacts[(int)Math.Floor(spec.Value * (impacts.Length - 1))];
            foreach (int e in entries)
                keep[e] = forward.Impacts[e] >= threshold;
        }
    }

    /// <summary>Compacts kept entries to the front of the same arrays (output never overtakes input).</summary>
    private static ForwardLists Filter(ForwardLists forward, bool[] keep)
    {
        var starts = new long[forward.Starts.Length];
        long output = 0;
        for (int d = 0; d < forward.DocumentCount; d++)
        {
            for (long i = forward.Starts[d]; i < forward.Starts[d + 1]; i++)
            {
                if (!keep[i])
                    continue;
                forward.Terms[output] = forward.Terms[i];
                forward.Impacts[output++] = forward.Impacts[i];
            }
            starts[d + 1] = output;
        }
        return new ForwardLists(starts, forward.Terms, forward.Impacts);
    }
}
