using SpladeFast.Cursors;
using SpladeFast.Format;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// BlockMax-MaxScore (Chakrabarti et al.; PISA's block_max_maxscore_query): MaxScore whose split into essential
/// and non-essential lists is made per window of docids from the lists' block maxima in that window, so a list
/// that is strong somewhere but weak here stops producing candidates here, and a window no document of which can
/// beat the threshold is skipped: none of its postings is scored.
/// </summary>
/// <remarks>
/// The windows are <see cref="MaxScore"/>'s (Lucene's MaxScoreBulkScorer, which also splits per window from
/// block maxima): the window's essential lists add their postings into accumulators, then each matched document
/// is finished on the window's non-essential lists, most promising first, while its score plus their window
/// maxima can still beat the threshold.
/// </remarks>
public sealed class BlockMaxMaxScore : ISearchAlgorithm
{
    /// <summary>The default window: 4,096 docids (see <see cref="MaxScore.DefaultWindow"/>).</summary>
    public const int DefaultWindow = MaxScore.DefaultWindow;

    private readonly int _window;

    /// <summary>BlockMax-MaxScore over windows of <see cref="DefaultWindow"/> docids.</summary>
    public BlockMaxMaxScore() : this(DefaultWindow)
    {
    }

    /// <summary>BlockMax-MaxScore over windows of <paramref name="window"/> docids (tests use small ones to cross many).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not 1..<see cref="DefaultWindow"/>.</exception>
    internal BlockMaxMaxScore(int window) => _window = MaxScore.CheckWindow(window);

    /// <inheritdoc/>
    public string Name => "block_max_maxscore";
    /// <inheritdoc/>
    public string Summary => "exact BlockMax-MaxScore dynamic pruning";

    /// <inheritdoc/>
    public void Search(SearchContext context) =>
        context.DocumentsScored += Run(context.Cursors, context.Order, context.Bounds, context.WindowBounds,
            context.WindowScores[.._window], context.WindowMatches[..((_window + 63) >> 6)], context.TopK);

    /// <param name="cursors">Reordered by ascending max score.</param>
    /// <param name="order">Scratch of one slot per cursor: the sort, then each window's order.</param>
    /// <param name="prefixBounds">Scratch of one slot per cursor: the sums of the sorted cursors' max scores.</param>
    /// <param name="windowBounds">Scratch of two slots per cursor: each list's maximum in the window, then the
    /// sums of those in the window's order.</param>
    /// <param name="windowScores">Scratch: one accumulator per docid of a window (its length is the window).</param>
    /// <param name="windowMatches">Scratch: one bit per docid of the window.</param>
    /// <param name="topK">Receives the hits; its threshold may start above 0 (a safe initial threshold).</param>
    /// <returns>The number of documents scored on every list.</returns>
    public static long Run<TCursor>(Span<TCursor> cursors, Span<int> order, Span<long> prefixBounds, Span<long> windowBounds,
        Span<long> windowScores, Span<ulong> windowMatches, TopKQueue topK)
        where TCursor : struct, IBlockMaxCursor
    {
        if (windowMatches.Length * 64 < windowScores.Length)
            ThrowHelper.DestinationTooShort(nameof(windowMatches));
        if (windowBounds.Length < 2 * cursors.Length)
            ThrowHelper.DestinationTooShort(nameof(windowBounds));
        // Scratch a failed query (damage found mid-window) may have left dirty.
        windowScores.Clear();
        windowMatches.Clear();
        var maxima = windowBounds[..cursors.Length];
        var sums = windowBounds.Slice(cursors.Length, cursors.Length);
        // Lists non-essential over the whole collection never start a window: a document only they hold cannot enter.
        int nonEssential = PruningSteps.PrepareMaxScore(cursors, order, prefixBounds, topK.Threshold);
        long scored = 0;
        while (nonEssential < cursors.Length && PruningSteps.NextWindow(cursors[nonEssential..], windowScores.Length, out uint first, out uint end))
        {
            for (int i = 0; i < cursors.Length; i++)
                maxima[i] = WindowMaximum(ref cursors[i], first, end);
            int essential = SortWindow(maxima, order, sums, topK.Threshold);
            if (essential < cursors.Length)
            {
                Accumulate(cursors, order[essential..], first, end, windowScores, windowMatches);
                scored += PruningSteps.FinishWindow(cursors, new PermutedLists(order), essential, sums, first, end,
                    windowScores, windowMatches, topK);
            }
            // The next window starts past this one on every list that can start it.
            nonEssential = PruningSteps.GrowNonEssential(prefixBounds, nonEssential, topK.Threshold);
            for (int i = nonEssential; i < cursors.Length; i++)
                cursors[i].NextGeq(end);
        }
        return scored;
    }

    /// <summary>An upper bound of the list's scores in [first, end): the largest block maximum of the blocks there.</summary>
    private static long WindowMaximum<TCursor>(ref TCursor cursor, uint first, uint end)
        where TCursor : struct, IBlockMaxCursor
    {
        if (cursor.DocId >= end)
            return 0;
        cursor.ShallowNextGeq(Math.Max(first, cursor.DocId));
        long maximum = cursor.BlockMaxScore;
        while (cursor.BlockLastDocId < end - 1)
        {
            cursor.ShallowNextGeq(cursor.BlockLastDocId + 1);
            maximum = Math.Max(maximum, cursor.BlockMaxScore);
        }
        return maximum;
    }

    /// <summary>
    /// Sorts the lists by their window maxima (ascending, into <paramref name="order"/>), fills the prefix sums and
    /// returns the first essential position: the lists before it together cannot beat the threshold (all of them:
    /// the window is skipped).
    /// </summary>
    private static int SortWindow(Span<long> maxima, Span<int> order, Span<long> sums, long threshold)
    {
        for (int i = 0; i < maxima.Length; i++)
        {
            long key = maxima[i];
            int j = i - 1;
            for (; j >= 0 && maxima[order[j]] > key; j--)
                order[j + 1] = order[j];
            order[j + 1] = i;
        }
        long sum = 0;
        for (int i = 0; i < maxima.Length; i++)
            sums[i] = sum += maxima[order[i]];
        return PruningSteps.GrowNonEssential(sums, 0, threshold);
    }

    /// <summary>The window's essential lists add their postings into its accumulators.</summary>
    private static void Accumulate<TCursor>(Span<TCursor> cursors, Span<int> essential, uint first, uint end,
        Span<long> windowScores, Span<ulong> windowMatches)
        where TCursor : struct, IBlockMaxCursor
    {
        foreach (int i in essential)
        {
            ref var cursor = ref cursors[i];
            cursor.NextGeq(first); // a list non-essential over the collection may lag behind the window
            PruningSteps.Accumulate(ref cursor, first, end, windowScores, windowMatches);
        }
    }
}
