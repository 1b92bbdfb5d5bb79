using SpladeFast.Cursors;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Algorithms;

/// <summary>
/// Per-thread search state, reused across queries so the hot path allocates nothing: cursors, the top-k
/// queue, accumulators for term-at-a-time, result buffer, and work counters.
/// </summary>
public sealed class SearchContext : IQuerySearcher
{
    private BlockPostingCursor[] _cursors = new BlockPostingCursor[64];
    private int _cursorCount;
    private long[]? _accumulators;
    private SearchHit[] _results = new SearchHit[16];
    private int[] _order = new int[64];
    private long[] _bounds = new long[64];
    private long[] _windowBounds = new long[2 * 64];
    private uint[] _docIds = new uint[64 + CursorDocIds.Padding];
    private BlockMaxPruning.Scratch? _rangeScratch;
    private long[]? _windowScores;
    private ulong[]? _windowMatches;

    /// <summary>State for searching <paramref name="index"/> from one thread.</summary>
    public SearchContext(SparseIndex index) => Index = index;

    /// <summary>The index searched.</summary>
    public SparseIndex Index { get; }
    /// <summary>The current query's top k, filled by the algorithm.</summary>
    public TopKQueue TopK { get; } = new();

    /// <summary>The cursors of the current query's terms that have postings.</summary>
    public Span<BlockPostingCursor> Cursors => _cursors.AsSpan(0, _cursorCount);

    /// <summary>One zeroed slot per document; algorithms that use it leave it zeroed.</summary>
    public long[] Accumulators => _accumulators ??= new long[Index.DocumentCount];

    /// <summary>Scratch for algorithms: cursor positions in some order (one per cursor).</summary>
    public Span<int> Order => _order.AsSpan(0, _cursorCount);

    /// <summary>Scratch for algorithms: the cursors' docids, flat and padded (see <see cref="CursorDocIds"/>).</summary>
    internal Span<uint> DocIds => _docIds.AsSpan(0, _cursorCount + CursorDocIds.Padding);

    /// <summary>Scratch for the windowed MaxScores: one accumulator per docid of its largest window.</summary>
    internal Span<long> WindowScores => _windowScores ??= new long[MaxScore.DefaultWindow];

    /// <summary>Scratch for the windowed MaxScores: one bit per docid of its largest window.</summary>
    internal Span<ulong> WindowMatches => _windowMatches ??= new ulong[MaxScore.DefaultWindow / 64];

    /// <summary>Scratch for algorithms: one bound per cursor.</summary>
    public Span<long> Bounds => _bounds.AsSpan(0, _cursorCount);

    /// <summary>Scratch for <see cref="BlockMaxMaxScore"/>: two bounds per cursor.</summary>
    internal Span<long> WindowBounds => _windowBounds.AsSpan(0, 2 * _cursorCount);

    /// <summary>The query being answered.</summary>
    public QueryVector Query { get; private set; } = new("", []);

    /// <summary>The buffers of <see cref="BlockMaxPruning"/>, made on first use.</summary>
    internal BlockMaxPruning.Scratch RangeScratch => _rangeScratch ??= new(Index.Ranges?.RangeCount ?? 0);

    /// <summary>Start pruning from the index's safe per-term threshold (TermThresholds) when it has one; true by default.</summary>
    public bool InitialThreshold { get; set; } = true;

    /// <summary>
    /// A score the caller knows every one of the k best reaches (the k-th best another shard found, passed on by a
    /// cluster gateway): pruning starts from it, or from the index's safe floor when that is higher. Exact, as ties
    /// at the floor still enter. 0: none.
    /// </summary>
    public long Floor { get; set; }

    /// <summary>
    /// max over the query's terms of weight x the term's k'-th largest impact, k' the smallest stored cut at least
    /// k: that many documents score at least this, so the k-th best does too (0 without thresholds). Deleted
    /// documents count too: a caller searching with deletes must not use it.
    /// </summary>
    public long SafeFloor(QueryVector query, int k)
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

    /// <summary>Documents fully scored since the last <see cref="ResetCounters"/>.</summary>
    public long DocumentsScored { get; set; }
    /// <summary>Postings decoded since the last <see cref="ResetCounters"/>.</summary>
    public long PostingsDecoded { get; set; }

    /// <summary>Runs one query; the hits (best first) stay valid until the next call.</summary>
    /// <exception cref="ArgumentException">The query's largest possible score does not fit the 64-bit score.</exception>
    public ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor = 1) =>
        Search(query, k, algorithm, thresholdFactor, Floor, deleted: null);

    /// <summary>
    /// Runs one query over the documents not in <paramref name="deleted"/>, pruning from <paramref name="floor"/>: a
    /// score every one of the k best that matter reaches (the k-th best so far of the other segments of a live index).
    /// With deletes, the per-term thresholds are not used: the documents they count may be deleted.
    /// </summary>
    public ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor, long floor, DeletedDocuments? deleted)
    {
        CheckScoreRange(query);
        bool anyDeleted = deleted is { Count: > 0 };
        long safeFloor = InitialThreshold && !anyDeleted ? SafeFloor(query, k) : 0;
        TopK.Reset(k, thresholdFactor, Math.Max(floor, safeFloor), Index.Order, deleted);
        Query = query;
        _cursorCount = 0;
        try
        {
            if (algorithm.UsesCursors)
                OpenCursors(query); // decodes each list's first block: damage can show here too
            algorithm.Search(this);
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw Damage(Format.SectionKind.Postings, algorithm.Name);
        }
        foreach (ref var cursor in Cursors)
            PostingsDecoded += cursor.PostingsDecoded;
        if (_results.Length < k)
            _results = new SearchHit[k];
        int count = TopK.CopySortedTo(_results);
        if (!Index.ChecksumsVerified)
        {
            // Damaged postings can decode a docid past the last document; it must not reach the caller's lookups.
            foreach (var hit in _results.AsSpan(0, count))
            {
                if (hit.DocId >= (uint)Index.DocumentCount)
                    throw Damage(algorithm.UsesCursors ? Format.SectionKind.Postings : Format.SectionKind.RangeForward, algorithm.Name);
            }
        }
        return _results.AsSpan(0, count);
    }

    /// <summary>
    /// Whether an exception thrown while answering is the index's damage found by a bounds check: possible only
    /// when the checksums were not verified (otherwise it is a bug, and stays what it is).
    /// </summary>
    internal bool IsDamage(Exception e) => !Index.ChecksumsVerified && e is IndexOutOfRangeException or ArgumentOutOfRangeException;

    /// <summary>The error for damage <see cref="IsDamage"/> recognised, naming the section it was found in.</summary>
    internal Format.IndexCorruptException Damage(Format.SectionKind section, string algorithm) =>
        new(Index.Path, $"section {section}: a value points outside its data (found answering with {algorithm}; the index was opened without checksum verification, run 'check')");

    /// <summary>Scores are exact 64-bit sums: a query whose weights x term maxima could exceed that is refused.</summary>
    internal void CheckScoreRange(QueryVector query)
    {
        // Every weight is under 2^32 and every impact at most the index's maximum: most queries cannot reach 2^63.
        if ((UInt128)query.Terms.Length * uint.MaxValue * Index.Header.MaxImpact <= long.MaxValue)
            return;
        UInt128 largest = 0;
        foreach (var term in query.Terms)
        {
            if ((uint)term.TermId < (uint)Index.TermCount)
                largest += (UInt128)term.Weight * Index.Term(term.TermId).MaxImpact;
        }
        if (largest > long.MaxValue)
            ThrowHelper.Argument(nameof(query), $"query '{query.Id}' could score up to {largest}, past the 64-bit score range; scale its weights down");
    }

    /// <summary>Sets the work counters to 0.</summary>
    public void ResetCounters()
    {
        DocumentsScored = 0;
        PostingsDecoded = 0;
    }

    /// <summary>Opens the current query's cursors for an algorithm that does not use them from the start (bmp).</summary>
    internal void OpenCursors() => OpenCursors(Query);

    private void OpenCursors(QueryVector query)
    {
        if (_cursors.Length < query.Terms.Length)
        {
            _cursors = new BlockPostingCursor[query.Terms.Length];
            _order = new int[query.Terms.Length];
            _bounds = new long[query.Terms.Length];
            _windowBounds = new long[2 * query.Terms.Length];
            _docIds = new uint[query.Terms.Length + CursorDocIds.Padding];
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
