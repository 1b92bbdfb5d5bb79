using SpladeFast.Build;
using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Rewrite;

namespace SpladeFast.Prune;

/// <summary>What a pruning did.</summary>
/// <param name="PostingsBefore">The source's postings.</param>
/// <param name="PostingsAfter">The pruned index's postings.</param>
/// <param name="IndexBytes">The pruned index's size.</param>
public sealed record PruningReport(long PostingsBefore, long PostingsAfter, long IndexBytes);

/// <summary>
/// Static index pruning (Lassance et al., SIGIR 2023): removes postings by a document-centric, term-centric or
/// agnostic rule and writes a normal, checksummed index whose metadata records the rule. Ties are broken
/// deterministically: among equal impacts the smaller term id (document-centric) or docid (term-centric) stays.
/// Memory: the source's documents (4 bytes a posting) and the kept postings (6 bytes each); term-centric rules
/// read their cut-offs from the source's lists one at a time.
/// </summary>
public static class StaticPruning
{
    /// <summary>Writes <paramref name="source"/> pruned by <paramref name="spec"/>.</summary>
    /// <param name="source">The index to prune; docids, ordinals and stored fields carry over.</param>
    /// <param name="outputPath">The pruned index, written atomically.</param>
    /// <param name="spec">The rule and its parameter.</param>
    /// <param name="progress">Receives the stages.</param>
    /// <exception cref="ArgumentException">The spec's value does not suit its strategy.</exception>
    /// <exception cref="InvalidOperationException">The index is too large to hold as forward lists (more than 65,536 terms or 2^31 postings).</exception>
    public static PruningReport Write(SparseIndex source, string outputPath, PruningSpec spec, IProgress<BuildProgress>? progress = null)
    {
        spec.Validate();
        var cutoffs = IsTermCentric(spec.Strategy) ? TermCutoffs(source, spec, progress) : null;
        var forward = ForwardLists.FromIndex(source, progress);
        long before = forward.Count;
        var pruned = Filter(forward, spec, cutoffs);
        long bytes = IndexRewriter.Write(source, pruned, null, outputPath, new Dictionary<string, string> { ["pruning"] = spec.ToString() }, progress);
        return new PruningReport(before, pruned.Count, bytes);
    }

    private static bool IsTermCentric(PruningStrategy strategy) =>
        strategy is PruningStrategy.TermTop or PruningStrategy.TermQuantile or PruningStrategy.MaxDocumentFrequency;

    /// <summary>
    /// What a term-centric rule keeps of one list: postings above <see cref="Impact"/>, and those equal to it up to
    /// docid <see cref="LastTiedDoc"/>.
    /// </summary>
    private readonly record struct TermCutoff(int Impact, uint LastTiedDoc)
    {
        public static TermCutoff All => new(-1, uint.MaxValue);
        public static TermCutoff None => new(int.MaxValue, 0);

        public bool Keeps(uint doc, ushort impact) => impact > Impact || (impact == Impact && doc <= LastTiedDoc);
    }

    private static TermCutoff[] TermCutoffs(SparseIndex source, PruningSpec spec, IProgress<BuildProgress>? progress)
    {
        var cutoffs = new TermCutoff[source.TermCount];
        var docs = new List<uint>();
        var impacts = new List<ushort>();
        var sorted = new List<ushort>();
        var cursor = new BlockPostingCursor[1];
        for (int t = 0; t < cutoffs.Length; t++)
        {
            docs.Clear();
            impacts.Clear();
            for (cursor[0].Reset(source.Postings(t), 1); cursor[0].DocId != PostingCursor.End; cursor[0].Next())
            {
                docs.Add(cursor[0].DocId);
                impacts.Add((ushort)cursor[0].Score);
            }
            sorted.Clear();
            sorted.AddRange(impacts);
            sorted.Sort();
            cutoffs[t] = Cutoff(spec, CollectionsMarshal.AsSpan(docs), CollectionsMarshal.AsSpan(impacts), CollectionsMarshal.AsSpan(sorted));
            if ((t & 1023) == 0)
                progress?.Report(new BuildProgress("term cut-offs", t, cutoffs.Length, "terms"));
        }
        return cutoffs;
    }

    /// <param name="spec">The pruning strategy and its parameter.</param>
    /// <param name="docs">The term's posting list: docids, increasing.</param>
    /// <param name="impacts">The list's impacts, by posting.</param>
    /// <param name="ascending">The list's impacts sorted increasing.</param>
    private static TermCutoff Cutoff(PruningSpec spec, ReadOnlySpan<uint> docs, ReadOnlySpan<ushort> impacts, ReadOnlySpan<ushort> ascending)
    {
        int n = docs.Length;
        switch (spec.Strategy)
        {
            case PruningStrategy.MaxDocumentFrequency:
                return n <= spec.Value ? TermCutoff.All : TermCutoff.None;
            case PruningStrategy.TermQuantile:
                return n == 0 ? TermCutoff.All : new TermCutoff(ascending[(int)Math.Floor(spec.Value * (n - 1))], uint.MaxValue);
            default:
                int keep = (int)spec.Value;
                if (n <= keep)
                    return TermCutoff.All;
                ushort threshold = ascending[n - keep];
                int above = n - ascending.LastIndexOf(threshold) - 1;
                int tied = keep - above;
                for (int i = 0; i < n; i++)
                {
                    if (impacts[i] == threshold && --tied == 0)
                        return new TermCutoff(threshold, docs[i]);
                }
                throw new InvalidOperationException("unreachable: the k-th impact occurs in the list");
        }
    }

    /// <summary>Compacts kept entries to the front of the same arrays (output never overtakes input).</summary>
    private static ForwardLists Filter(ForwardLists forward, PruningSpec spec, TermCutoff[]? cutoffs)
    {
        var starts = new long[forward.Starts.Length];
        var keys = new List<uint>();
        long output = 0;
        for (int d = 0; d < forward.DocumentCount; d++)
        {
            var terms = forward.TermsOf(d);
            var impacts = forward.ImpactsOf(d);
            long lastKept = spec.Strategy is PruningStrategy.DocumentTop or PruningStrategy.DocumentMass ? DocumentCutoff(terms, impacts, spec, keys) : 0;
            long first = forward.Starts[d];
            for (int i = 0; i < terms.Length; i++)
            {
                bool keep = spec.Strategy switch
                {
                    PruningStrategy.DocumentTop or PruningStrategy.DocumentMass => Key(terms[i], impacts[i]) <= lastKept,
                    PruningStrategy.MinImpact => impacts[i] >= spec.Value,
                    _ => cutoffs![terms[i]].Keeps((uint)d, impacts[i]),
                };
                if (!keep)
                    continue;
                forward.Terms[output] = forward.Terms[first + i];
                forward.Impacts[output++] = forward.Impacts[first + i];
            }
            starts[d + 1] = output;
        }
        return new ForwardLists(starts, forward.Terms, forward.Impacts);
    }

    /// <summary>Orders a document's entries heaviest first, then by smaller term id.</summary>
    private static uint Key(ushort term, ushort impact) => (uint)(ushort.MaxValue - impact) << 16 | term;

    /// <summary>The largest <see cref="Key"/> a document-centric rule keeps in this document (-1: none).</summary>
    private static long DocumentCutoff(ReadOnlySpan<ushort> terms, ReadOnlySpan<ushort> impacts, PruningSpec spec, List<uint> keys)
    {
        keys.Clear();
        double total = 0;
        for (int i = 0; i < terms.Length; i++)
        {
            keys.Add(Key(terms[i], impacts[i]));
            total += impacts[i];
        }
        keys.Sort();
        if (spec.Strategy == PruningStrategy.DocumentTop)
            return keys.Count == 0 ? -1 : keys[Math.Min(keys.Count, (int)spec.Value) - 1];
        double kept = 0;
        int count = 0;
        while (count < keys.Count && kept < spec.Value * total)
            kept += ushort.MaxValue - (keys[count++] >> 16);
        return count == 0 ? -1 : keys[count - 1];
    }
}
