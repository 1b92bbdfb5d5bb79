using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// Per-thread search state, reused across queries so the hot path allocates nothing: cursors, the top-k
/// queue, accumulators for term-at-a-time, result buffer, and work counters.
/// </summary>
public sealed class SearchContext : Shards.IQuerySearcher
{
    private BlockPostingCursor[] _cursors = new BlockPostingCursor[64];
    private int _cursorCount;
    private long[]? _accumulators;
    private SearchHit[] _results = new SearchHit[16];
    private int[] _order = new int[64];
    private long[] _bounds = new long[64];
    private BlockMaxPruning.Scratch? _rangeScratch;

    public SearchContext(SparseIndex index) => Index = index;

    public SparseIndex Index { get; }
    public TopKQueue TopK { get; } = new();

    /// <summary>The cursors of the current query's terms that have postings.</summary>
    public Span<BlockPostingCursor> Cursors => _cursors.AsSpan(0, _cursorCount);

    /// <summary>One zeroed slot per document; algorithms that use it leave it zeroed.</summary>
    public long[] Accumulators => _accumulators ??= new long[Index.DocumentCount];

    /// <summary>Scratch for algorithms: cursor positions in some order (one per cursor).</summary>
    public Span<int> Order => _order.AsSpan(0, _cursorCount);

    /// <summary>Scratch for algorithms: one bound per cursor.</summary>
    public Span<long> Bounds => _bounds.AsSpan(0, _cursorCount);

    /// <summary>The query being answered.</summary>
    public QueryVector Query { get; private set; } = new("", []);

    /// <summary>The buffers of <see cref="BlockMaxPruning"/>, made on first use.</summary>
    internal BlockMaxPruning.Scratch RangeScratch => _rangeScratch ??= new(Index.Ranges?.RangeCount ?? 0);

    public bool InitialThreshold { get; set; } = true;

    /// <summary>
    /// max over the query's terms of weight x the term's k'-th largest impact, k' the smallest stored cut at least
    /// k: that many documents score at least this, so the k-th best does too (0 without thresholds).
    /// </summary>
    private long SafeFloor(QueryVector query, int k)
    {
        if (Index.TermThresholds is not { } thresholds || thresholds.CutFor(k) is var cut && cut < 0)
            return 0;
        long floor = 0;
        foreach (var term in query.Terms)
        {
            if ((uint)term.TermId < (uint)Index.TermCount)
                floor = Math.Max(floor, (long)term.Weight * thresholds.KthImpact(term.TermId, cut));
        }
        return floor;
    }

    public long DocumentsScored { get; set; }
    public long PostingsDecoded { get; set; }

    /// <summary>Runs one query; the hits (best first) stay valid until the next call.</summary>
    public ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor = 1)
    {
        TopK.Reset(k, thresholdFactor, InitialThreshold ? SafeFloor(query, k) : 0);
        Query = query;
        if (algorithm.UsesCursors)
            OpenCursors(query);
        else
            _cursorCount = 0;
        algorithm.Search(this);
        foreach (ref var cursor in Cursors)
            PostingsDecoded += cursor.PostingsDecoded;
        if (_results.Length < k)
            _results = new SearchHit[k];
        int count = TopK.CopySortedTo(_results);
        return _results.AsSpan(0, count);
    }

    public void ResetCounters()
    {
        DocumentsScored = 0;
        PostingsDecoded = 0;
    }

    private void OpenCursors(QueryVector query)
    {
        if (_cursors.Length < query.Terms.Length)
        {
            _cursors = new BlockPostingCursor[query.Terms.Length];
            _order = new int[query.Terms.Length];
            _bounds = new long[query.Terms.Length];
        }
        _cursorCount = 0;
        foreach (var term in query.Terms)
        {
            if ((uint)term.TermId >= (uint)Index.TermCount || term.Weight == 0)
                continue;
            var postings = Index.Postings(term.TermId);
            if (postings.PostingCount == 0)
                continue;
            _cursors[_cursorCount++].Reset(postings, term.Weight);
        }
    }
}
