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
/// agnostic rule; the index's metadata records the rule. Ties are broken deterministically: among equal impacts the
/// smaller term id (document-centric) or docid (term-centric) stays. A transform over <see cref="DocumentContents"/>:
/// <see cref="For(PruningSpec, InvertedLists, IProgress{BuildProgress}?)"/> reads the term-centric cut-offs from
/// term-major lists (in memory, or an opened index's one at a time), then <see cref="Apply"/> filters the documents
/// in place (no memory beyond their forward lists).
/// </summary>
public sealed class StaticPruning
{
    private readonly PruningSpec _spec;
    private readonly TermCutoff[]? _cutoffs;

    private StaticPruning(PruningSpec spec, TermCutoff[]? cutoffs) => (_spec, _cutoffs) = (spec, cutoffs);

    /// <summary>Pruning by <paramref name="spec"/> of the documents whose term-major lists are <paramref name="postings"/>.</summary>
    /// <exception cref="ArgumentException">The spec's value is out of its strategy's range.</exception>
    public static StaticPruning For(PruningSpec spec, InvertedLists postings, IProgress<BuildProgress>? progress = null)
    {
        spec.Validate();
        return new StaticPruning(spec, IsTermCentric(spec.Strategy)
            ? TermCutoffs(spec, postings.TermCount, (int t, out ReadOnlySpan<uint> docs, out ReadOnlySpan<ushort> impacts) =>
            {
                docs = postings.DocIdsOf(t);
                impacts = postings.ImpactsOf(t);
            }, progress)
            : null);
    }

    /// <summary>Pruning by <paramref name="spec"/> of an opened index's documents (its lists decoded one at a time).</summary>
    /// <exception cref="ArgumentException">The spec's value is out of its strategy's range.</exception>
    public static StaticPruning For(PruningSpec spec, SparseIndex source, IProgress<BuildProgress>? progress = null)
    {
        spec.Validate();
        if (!IsTermCentric(spec.Strategy))
            return new StaticPruning(spec, null);
        var docs = new List<uint>();
        var impacts = new List<ushort>();
        var cursor = new BlockPostingCursor[1];
        return new StaticPruning(spec, TermCutoffs(spec, source.TermCount, (int t, out ReadOnlySpan<uint> listDocs, out ReadOnlySpan<ushort> listImpacts) =>
        {
            docs.Clear();
            impacts.Clear();
            for (cursor[0].Reset(source.Postings(t), 1); cursor[0].DocId != PostingCursor.End; cursor[0].Next())
            {
                docs.Add(cursor[0].DocId);
                impacts.Add((ushort)cursor[0].Score);
            }
            listDocs = CollectionsMarshal.AsSpan(docs);
            listImpacts = CollectionsMarshal.AsSpan(impacts);
        }, progress));
    }

    /// <summary>The pruned documents (their forward lists filtered in place), the rule recorded in the metadata.</summary>
    /// <exception cref="ArgumentException">The documents are reordered already: pruning comes first, as term-centric ties go by docid.</exception>
    public DocumentContents Apply(DocumentContents documents)
    {
        if (documents.Order is not null)
            throw new ArgumentException("prune before reordering: term-centric ties are broken by the docids the cut-offs were read with", nameof(documents));
        return documents.WithProperty("pruning", _spec.ToString()) with { Forward = Filter(documents.Forward, _spec, _cutoffs) };
    }

    /// <summary>Prunes an opened index into a new index file (the file-to-file command).</summary>
    /// <exception cref="ArgumentException">The spec's value is out of its strategy's range.</exception>
    public static PruningReport Write(SparseIndex source, string outputPath, PruningSpec spec, IProgress<BuildProgress>? progress = null)
    {
        var pruning = For(spec, source, progress);
        var documents = DocumentContents.FromIndex(source, progress);
        long before = documents.Forward.Count;
        var pruned = pruning.Apply(documents);
        long bytes = IndexRewriter.Write(pruned, outputPath, progress);
        return new PruningReport(before, pruned.Forward.Count, bytes);
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

    /// <summary>Term t's posting list, docids increasing; the spans stay valid until the next call.</summary>
    private delegate void ListReader(int term, out ReadOnlySpan<uint> docs, out ReadOnlySpan<ushort> impacts);

    private static TermCutoff[] TermCutoffs(PruningSpec spec, int termCount, ListReader read, IProgress<BuildProgress>? progress)
    {
        var cutoffs = new TermCutoff[termCount];
        var sorted = new List<ushort>();
        for (int t = 0; t < cutoffs.Length; t++)
        {
            read(t, out var docs, out var impacts);
            sorted.Clear();
            foreach (ushort impact in impacts)
                sorted.Add(impact);
            sorted.Sort();
            cutoffs[t] = Cutoff(spec, docs, impacts, CollectionsMarshal.AsSpan(sorted));
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
