using SpladeFast.Cursors;
using SpladeFast.Format;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// MaxScore (Turtle and Flood; PISA's maxscore_query). Lists sorted by max score; the shortest prefix whose max
/// scores sum to at most the threshold is "non-essential": a document found only there cannot enter the top k,
/// so candidates come from the essential lists and the non-essential ones are probed with NextGeq, most
/// promising first, while the document can still enter.
/// </summary>
/// <remarks>
/// The essential lists are read term-at-a-time over windows of docids (Lucene's MaxScoreBulkScorer): each adds its
/// postings in the window into the window's accumulators and match bits, then the matched documents are taken in
/// docid order, each with its essential score, and finished on the non-essential lists. Document-at-a-time over
/// the essential lists compared every essential cursor with every candidate (about 40,000 candidates and 25
/// essential lists per SPLADE query at k = 10); here a posting costs an add. The candidates, their scores and the
/// probes are MaxScore's; the split into essential and non-essential lists is revised at each window, so within
/// a window the threshold may have risen past what made a list essential, which costs only reading it.
/// </remarks>
public sealed class MaxScore : ISearchAlgorithm
{
    /// <summary>The default window: 4,096 docids, 32 KB of accumulators (L1).</summary>
    public const int DefaultWindow = 4096;

    private readonly int _window;

    /// <summary>MaxScore over windows of <see cref="DefaultWindow"/> docids.</summary>
    public MaxScore() : this(DefaultWindow)
    {
    }

    /// <summary>MaxScore over windows of <paramref name="window"/> docids (tests use small ones to cross many).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not 1..<see cref="DefaultWindow"/>.</exception>
    internal MaxScore(int window) => _window = CheckWindow(window);

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not 1..<see cref="DefaultWindow"/>.</exception>
    internal static int CheckWindow(int window) =>
        window is >= 1 and <= DefaultWindow ? window : throw new ArgumentOutOfRangeException(nameof(window), $"The window must be 1 to {DefaultWindow} docids.");

    /// <inheritdoc/>
    public string Name => "maxscore";
    /// <inheritdoc/>
    public string Summary => "exact MaxScore dynamic pruning";

    /// <inheritdoc/>
    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.Bounds,
            context.WindowScores[.._window], context.WindowMatches[..((_window + 63) >> 6)], context.TopK);

    /// <param name="cursors">Reordered by ascending max score.</param>
    /// <param name="order">Scratch of one slot per cursor (the permutation that sorts them).</param>
    /// <param name="prefixBounds">Scratch of one slot per cursor: the sums of the sorted cursors' max scores.</param>
    /// <param name="windowScores">Scratch: one accumulator per docid of a window (its length is the window).</param>
    /// <param name="windowMatches">Scratch: one bit per docid of the window.</param>
    /// <param name="topK">Receives the hits; its threshold may start above 0 (a safe initial threshold).</param>
    /// <param name="skippedRanges">Ranges of <paramref name="rangeSize"/> docids (ascending) whose documents are
    /// never offered: bmp already offered them, scored from its forward index, before finishing here (out of docid
    /// order, so it first calls <see cref="TopKQueue.AcceptOutOfOrder"/>).</param>
    /// <param name="rangeSize">The docids per skipped range.</param>
    /// <returns>The number of documents scored on every list.</returns>
    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, Span<long> prefixBounds, Span<long> windowScores,
        Span<ulong> windowMatches, TopKQueue topK, ReadOnlySpan<int> skippedRanges = default, int rangeSize = 1)
        where TCursor : struct, IPostingCursor
    {
        if (windowMatches.Length * 64 < windowScores.Length)
            ThrowHelper.DestinationTooShort(nameof(windowMatches));
        // Scratch a failed query (damage found mid-window) may have left dirty.
        windowScores.Clear();
        windowMatches.Clear();
        int nonEssential = PruningSteps.PrepareMaxScore(cursors, order, prefixBounds, topK.Threshold);
        long scored = 0;
        while (nonEssential < cursors.Length && PruningSteps.NextWindow(cursors[nonEssential..], windowScores.Length, out uint first, out uint end))
        {
            for (int i = nonEssential; i < cursors.Length; i++)
                PruningSteps.Accumulate(ref cursors[i], first, end, windowScores, windowMatches);
            while (skippedRanges.Length > 0 && (long)(skippedRanges[0] + 1) * rangeSize <= first)
                skippedRanges = skippedRanges[1..];
            for (int s = 0; s < skippedRanges.Length && (long)skippedRanges[s] * rangeSize < end; s++)
                Unmatch(skippedRanges[s], rangeSize, first, end, windowScores, windowMatches);
            scored += PruningSteps.FinishWindow(cursors, new SortedLists(), nonEssential, prefixBounds, first, end,
                windowScores, windowMatches, topK);
            nonEssential = PruningSteps.GrowNonEssential(prefixBounds, nonEssential, topK.Threshold);
        }
        return scored;
    }

    /// <summary>Clears the window's accumulators and match bits of the documents of one skipped range.</summary>
    private static void Unmatch(int range, int rangeSize, uint first, uint end, Span<long> windowScores, Span<ulong> windowMatches)
    {
        int from = (int)(Math.Max((long)range * rangeSize, first) - first);
        int to = (int)(Math.Min((long)(range + 1) * rangeSize, end) - first);
        windowScores[from..to].Clear();
        for (int offset = from; offset < to; offset++)
            windowMatches[offset >> 6] &= ~(1UL << offset);
    }
}
