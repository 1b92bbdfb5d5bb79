using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Algorithms;

/// <summary>
/// Block-at-a-time block-max pruning (BMP, Mallia et al., SIGIR 2024). Documents are split into fixed docid
/// ranges; a range's upper bound is the sum over query terms of weight x the term's (byte-quantized, rounded up)
/// maximum impact there, added a tile of dense rows at a time with vector code. Ranges are visited in falling bound
/// order and scored from the term-major forward index of the range (each query term found through the range's
/// term set), the next few ranges' data already on its way (<see cref="RangePipeline"/>), until the next bound
/// cannot beat the k-th score. Needs an index built with <c>index --bmp</c>.
/// </summary>
public sealed class BlockMaxPruning : ISearchAlgorithm
{
    /// <inheritdoc/>
    public string Name => "bmp";
    /// <inheritdoc/>
    public string Summary => "exact block-at-a-time block-max pruning (index --bmp)";

    /// <summary>Scores come from the forward index: decoding the first block of every list would be wasted.</summary>
    public bool UsesCursors => false;

    /// <inheritdoc/>
    public void Search(SearchContext context)
    {
        var ranges = context.Index.Ranges
            ?? throw new InvalidOperationException($"{context.Index.Path} has no block-max ranges: rebuild it with 'index --bmp' to use bmp");
        var scratch = context.RangeScratch;
        var query = scratch.SetQuery(ranges, context.Query, context.Index.TermCount);
        if (query.IsEmpty)
            return;
        var sums = scratch.Sums;
        var queue = scratch.Queue;
        var pipeline = scratch.Pipeline;
        var scores = scratch.Scores.AsSpan(0, ranges.RangeSize);
        var topK = context.TopK;
        long scored = 0, entries = 0;
        int visited = 0;
        int documents = context.Index.DocumentCount;
        // Only a k past the measured crossover with the accumulator scan (the one auto uses) may switch: at a
        // shallow k the threshold is still rising after the first ranges, and their bounds overstate what is left.
        bool deepK = (long)topK.K * SearchAlgorithms.DocumentsPerBmpResult > documents;
        try
        {
            ulong divisor;
            try
            {
                divisor = AddRangeBounds(ranges, query, scratch);
            }
            catch (Exception e) when (context.IsDamage(e))
            {
                throw context.Damage(Format.SectionKind.RangeBounds, Name);
            }
            queue.Start(sums, firstBatch: Math.Max(256, 4 * topK.K));
            pipeline.Start(query.Length);
            while (true)
            {
                // The pipeline looks ahead only among ranges already gathered: a gather reads every sum, so it waits
                // until the pipeline is empty and the ranges left could still enter the top k.
                while (pipeline.Count < RangePipeline.Depth && !queue.NeedsGather && queue.TryPeek(out uint next, out int nextRange))
                {
                    queue.Pop();
                    pipeline.Add(scratch, 0, nextRange, next);
                }
                if (pipeline.Count == 0)
                {
                    if (queue.NeedsGather && !topK.CouldEnter(Bound((uint)(queue.UngatheredLimit - 1), divisor), 0))
                        break;
                    if (!queue.TryPeek(out _, out _))
                        break;
                    continue;
                }
                var (_, range, sum) = pipeline.Head;
                uint first = (uint)(range * ranges.RangeSize);
                if (!topK.CouldEnter(Bound(sum, divisor), first))
                    break;
                try
                {
                    entries += pipeline.ScoreHead(scores);
                }
                catch (Exception e) when (context.IsDamage(e))
                {
                    throw context.Damage(Format.SectionKind.RangeForward, Name);
                }
                int size = Math.Min(ranges.RangeSize, documents - (int)first);
                for (int d = 0; d < size; d++)
                {
                    if (scores[d] == 0)
                        continue;
                    topK.Insert(first + (uint)d, scores[d]);
                    scores[d] = 0;
                    scored++;
                }
                if (visited < _switchCheck)
                    scratch.ScoredRanges[visited] = range;
                if (++visited == _switchCheck && deepK && PostingsAreCheaper(sums, divisor, topK.Threshold, visited))
                {
                    scored += FinishByPostings(context, ranges.RangeSize, scratch.ScoredRanges.AsSpan(0, visited), scratch.SkippedRanges);
                    break;
                }
            }
        }
        finally
        {
            // The buffers are the next query's too: they go back zeroed even when a damaged index throws.
            Array.Clear(sums);
            scores.Clear();
        }
        context.DocumentsScored += scored;
        context.PostingsDecoded += entries;
    }

    /// <summary>Ranges scored before the query decides whether finishing it from the posting lists is cheaper.</summary>
    internal const int SwitchCheck = 64;

    private readonly int _switchCheck;

    /// <summary>bmp as the registry and the CLI run it.</summary>
    public BlockMaxPruning() : this(SwitchCheck) { }

    private readonly double _maxEssentialPostingsPerDocument = MaxEssentialPostingsPerDocument;
    private readonly int _window = MaxScore.DefaultWindow;

    /// <summary>For tests: decide after <paramref name="switchCheck"/> ranges (at most <see cref="SwitchCheck"/>), so small collections switch too.</summary>
    internal BlockMaxPruning(int switchCheck) =>
        _switchCheck = switchCheck is >= 1 and <= SwitchCheck ? switchCheck : throw new ArgumentOutOfRangeException(nameof(switchCheck));

    /// <summary>
    /// For tests: as <see cref="BlockMaxPruning(int)"/>, finishing by MaxScore below
    /// <paramref name="maxEssentialPostingsPerDocument"/> (0: never) over windows of <paramref name="window"/> docids.
    /// </summary>
    internal BlockMaxPruning(int switchCheck, double maxEssentialPostingsPerDocument, int window = MaxScore.DefaultWindow) : this(switchCheck) =>
        (_maxEssentialPostingsPerDocument, _window) = (maxEssentialPostingsPerDocument, MaxScore.CheckWindow(window));

    /// <summary>
    /// How many ranges scored from the forward index cost about as much as the accumulator pass over the same
    /// ranges' postings (measured, docs/performance.md "bmp at a deep k").
    /// </summary>
    private const int RangeCostRatio = 8;

    /// <summary>
    /// Whether the ranges whose bound still beats the threshold, once <paramref name="visited"/> ranges have been
    /// scored, are too many for bmp: more than 1 / <see cref="RangeCostRatio"/> of the ranges any query term
    /// reaches, those scored being at most that share. That happens at a deep k, where the k-th score is low and
    /// most ranges qualify.
    /// </summary>
    private static bool PostingsAreCheaper(uint[] sums, ulong divisor, long threshold, int visited)
    {
        // Bound(sum) > threshold exactly when sum x divisor > 255 x threshold.
        var limit = (UInt128)threshold * byte.MaxValue / divisor;
        uint open = limit >= uint.MaxValue ? uint.MaxValue : (uint)limit;
        int reached = 0, qualifying = 0;
        foreach (uint sum in sums)
        {
            reached += sum != 0 ? 1 : 0;
            qualifying += sum > open ? 1 : 0;
        }
        // Where the ranges scored so far are already a large part of those reached, bmp has little left to do.
        return reached >= (long)visited * RangeCostRatio && (long)(qualifying - visited) * RangeCostRatio > reached;
    }

    /// <summary>
    /// Completes the query from the posting lists over every document outside the ranges bmp already scored, from
    /// the threshold those ranges reached: each document reaches the top-k queue once, with its full score, so the
    /// result stays exact. Returns the documents scored.
    /// </summary>
    /// <remarks>
    /// Two ways, chosen per query by the postings of the lists the threshold leaves essential. Fewer than
    /// <see cref="MaxEssentialPostingsPerDocument"/> per document: <see cref="MaxScore"/>, whose work follows those
    /// postings. More: the accumulator pass of ranked_or_taat (every posting added, then one pass over the
    /// documents), since MaxScore would then finish nearly every document on the other lists too.
    /// </remarks>
    private long FinishByPostings(SearchContext context, int rangeSize, Span<int> scoredRanges, ulong[] skipped)
    {
        try
        {
            context.OpenCursors();
            if (EssentialPostings(context.Cursors, context.Order, context.TopK.Threshold) < _maxEssentialPostingsPerDocument * context.Index.DocumentCount)
            {
                scoredRanges.Sort();
                // MaxScore prunes at the threshold as if documents came in docid order, but the ranges scored may
                // hold later docids than documents still to come, which must win ties.
                context.TopK.AcceptOutOfOrder();
                return MaxScore.Run(context.Cursors, context.Order, context.Bounds, context.WindowScores[.._window],
                    context.WindowMatches[..((_window + 63) >> 6)], context.TopK, scoredRanges, rangeSize);
            }
        }
        catch (Exception e) when (context.IsDamage(e))
        {
            throw context.Damage(Format.SectionKind.Postings, Name);
        }
        try
        {
            RankedOrTaat.Accumulate(context.Cursors, context.Accumulators);
        }
        catch (Exception e) when (context.IsDamage(e))
        {
            Array.Clear(context.Accumulators);
            throw context.Damage(Format.SectionKind.Postings, Name);
        }
        foreach (int range in scoredRanges)
            skipped[range >> 6] |= 1UL << range;
        long offered = RankedOrTaat.Collect(context.Accumulators, context.TopK, skipped, rangeSize);
        foreach (int range in scoredRanges)
            skipped[range >> 6] = 0;
        return offered;
    }

    /// <summary>
    /// The crossover of <see cref="FinishByPostings"/>'s two ways, between real SPLADE++ queries (0.17 essential
    /// postings per document at 1M, where MaxScore is 1.4x faster) and the synthetic ones (1.3, where the
    /// accumulator pass is 1.2-1.5x faster); docs/performance.md, "bmp's deep-k finish".
    /// </summary>
    private const double MaxEssentialPostingsPerDocument = 0.5;

    /// <summary>The postings of the lists that are essential at <paramref name="threshold"/> (MaxScore's split).</summary>
    private static long EssentialPostings(Span<BlockPostingCursor> cursors, Span<int> order, long threshold)
    {
        CursorOrder.ByMaxScore(cursors, order);
        long bound = 0, postings = 0;
        foreach (int i in order)
        {
            if ((bound += cursors[i].MaxScore) > threshold)
                postings += cursors[i].PostingCount;
        }
        return postings;
    }

    /// <summary>Ranges whose sums are completed together: 32 KiB of sums, which stay in the L1 cache while every
    /// dense row adds its slice, instead of streaming the whole sums array through L2 once per query term.</summary>
    private const int SumTileRanges = 8192;

    /// <summary>
    /// sums[r] += W_t x q_t(r) for every query term, where W_t = ceil(w_t x termMax_t / divisor) and the divisor
    /// (a power of two, 1 for any realistic query) keeps 255 x sum(W_t) within 32 bits. Then
    /// sum(w_t x max_t(r)) &lt;= sum(w_t x termMax_t x q_t(r) / 255) &lt;= divisor x sums[r] / 255.
    /// </summary>
    internal static ulong AddRangeBounds(BlockMaxRanges ranges, ReadOnlySpan<QueryTerm> query, Scratch scratch)
    {
        ulong divisor = 1;
        while (ScaledTotal(ranges, query, divisor) * byte.MaxValue > uint.MaxValue)
            divisor *= 2;
        var sums = scratch.Sums;
        var dense = scratch.DenseTerms;
        int denseCount = 0;
        foreach (var term in query)
        {
            uint weight = ScaledWeight(ranges, term, divisor);
            if (ranges.IsDense(term.TermId))
            {
                dense[denseCount++] = (term.TermId, weight);
                continue;
            }
            ranges.AddSparseBounds(term.TermId, weight, sums);
        }
        var cursors = scratch.DenseCursors.AsSpan(0, denseCount);
        cursors.Clear();
        for (int start = 0; start < sums.Length; start += SumTileRanges)
        {
            var tile = sums.AsSpan(start, Math.Min(SumTileRanges, sums.Length - start));
            for (int d = 0; d < denseCount; d++)
                cursors[d] = ranges.AddDenseBounds(dense[d].Term, dense[d].Weight, start, cursors[d], tile);
        }
        return divisor;
    }

    private static ulong ScaledTotal(BlockMaxRanges ranges, ReadOnlySpan<QueryTerm> query, ulong divisor)
    {
        ulong total = 0;
        foreach (var term in query)
            total += ScaledWeight(ranges, term, divisor);
        return total;
    }

    private static uint ScaledWeight(BlockMaxRanges ranges, QueryTerm term, ulong divisor) =>
        (uint)Math.Min(uint.MaxValue, ((ulong)term.Weight * ranges.TermMaxImpact(term.TermId) + divisor - 1) / divisor);

    /// <summary>The bound in score units, rounded up.</summary>
    /// <remarks>In 128 bits: with extreme weights the divisor is large and sum x divisor passes 2^64.</remarks>
    internal static long Bound(uint sum, ulong divisor) => (long)(((UInt128)sum * divisor + byte.MaxValue - 1) / byte.MaxValue);

    /// <summary>Per-thread buffers, reused across queries.</summary>
    internal sealed class Scratch(int rangeCount)
    {
        private QueryTerm[] _query = new QueryTerm[64];
        private int _queryCount;

        /// <summary>One zeroed sum per range; left zeroed.</summary>
        public uint[] Sums { get; } = new uint[rangeCount];

        public RangeQueue Queue { get; } = new();

        public RangePipeline Pipeline { get; } = new();

        /// <summary>The query's terms that keep dense range-bound rows, with their scaled weights.</summary>
        public (int Term, uint Weight)[] DenseTerms { get; private set; } = new (int, uint)[64];

        /// <summary>Per dense term, the bounds its tiles have read so far (bitmap layout).</summary>
        public int[] DenseCursors { get; private set; } = new int[64];

        /// <summary>The ranges scored so far, up to <see cref="SwitchCheck"/>.</summary>
        public int[] ScoredRanges { get; } = new int[SwitchCheck];

        /// <summary>One bit per range, set for the ranges a switch to the accumulator pass must skip; left zeroed.</summary>
        public ulong[] SkippedRanges { get; } = new ulong[(rangeCount + 63) / 64];

        /// <summary>One zeroed score per document of a range; left zeroed.</summary>
        public long[] Scores { get; } = new long[Format.IndexLayout.MaxRangeSize];

        /// <summary>The ranges of the index searched, as <see cref="SetQuery"/> was given them.</summary>
        public BlockMaxRanges Ranges { get; private set; } = null!;

        /// <summary>The query <see cref="SetQuery"/> returned.</summary>
        public ReadOnlySpan<QueryTerm> Query => _query.AsSpan(0, _queryCount);

        /// <summary>Per query term, where to find it in a range's term set.</summary>
        public TermProbe[] Probes { get; private set; } = new TermProbe[64];

        /// <summary>The term-set lines the query's probes read, each once.</summary>
        public ReadOnlySpan<int> ProbeLines => _probeLines.AsSpan(0, _probeLineCount);

        private int[] _probeLines = new int[64];
        private int _probeLineCount;

        /// <summary>
        /// The query's terms that are in the index with a non-zero weight, by increasing term id, a repeated term
        /// merged into one with the weights summed; their <see cref="Probes"/> and <see cref="ProbeLines"/> are set,
        /// and <see cref="Ranges"/> is <paramref name="ranges"/> (the index's, of <paramref name="termCount"/> terms).
        /// </summary>
        public ReadOnlySpan<QueryTerm> SetQuery(BlockMaxRanges ranges, Ingest.QueryVector query, int termCount)
        {
            Ranges = ranges;
            if (_query.Length < query.Terms.Length)
                (_query, Probes, _probeLines, DenseTerms, DenseCursors) = (new QueryTerm[query.Terms.Length], new TermProbe[query.Terms.Length], new int[query.Terms.Length], new (int, uint)[query.Terms.Length], new int[query.Terms.Length]);
            int count = 0;
            foreach (var term in query.Terms)
            {
                if ((uint)term.TermId < (uint)termCount && term.Weight != 0)
                    _query[count++] = term;
            }
            var terms = _query.AsSpan(0, count);
            terms.Sort(static (a, b) => a.TermId.CompareTo(b.TermId));
            int distinct = 0;
            for (int i = 0; i < terms.Length; i++)
            {
                if (distinct > 0 && terms[distinct - 1].TermId == terms[i].TermId)
                    terms[distinct - 1] = terms[distinct - 1] with { Weight = MergedWeight(terms[distinct - 1], terms[i].Weight) };
                else
                    terms[distinct++] = terms[i];
            }
            _probeLineCount = 0;
            for (int i = 0; i < distinct; i++)
            {
                Probes[i] = new TermProbe(terms[i].TermId);
                if (_probeLineCount == 0 || _probeLines[_probeLineCount - 1] != Probes[i].Line) // terms increase, so lines do
                    _probeLines[_probeLineCount++] = Probes[i].Line;
            }
            _queryCount = distinct;
            return terms[..distinct];
        }

        /// <exception cref="ArgumentException">The repeated term's weights sum past the query weight range.</exception>
        private static uint MergedWeight(QueryTerm term, uint repeated) =>
            (ulong)term.Weight + repeated is var sum && sum <= Quantize.QueryWeights.MaxWeight ? (uint)sum
                : throw new ArgumentException($"term {term.TermId} is repeated with weights summing to {sum}, past the query weight range 0..{Quantize.QueryWeights.MaxWeight}");
    }
}
