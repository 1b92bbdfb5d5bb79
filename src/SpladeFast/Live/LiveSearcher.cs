using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.Shards;
using SpladeFast.TopK;

namespace SpladeFast.Live;

/// <summary>
/// Answers queries over one <see cref="LiveSnapshot"/> exactly: what one index built from the snapshot's live
/// documents, in sequence order, answers, ties included. bmp at a shallow k runs over all segments at once
/// (<see cref="SegmentedBlockMaxPruning"/>: one order of ranges across segments, so the threshold rises as on one
/// index). Otherwise segments are searched in falling order of their score
/// bound (sum of weight x the term's largest impact there), each from the k-th best score found so far (one
/// threshold shared across segments, as a floor, starting from the best safe per-term floor of any segment without
/// deletes), a segment whose bound cannot reach it skipped; each segment's
/// hits merge by sequence number, as <see cref="ShardedSearcher"/> merges shards by global ordinal. The memory buffer
/// is scored term at a time. Hit docids are sequence numbers (<see cref="LiveSnapshot.DocumentId(uint)"/>). One per thread.
/// </summary>
public sealed class LiveSearcher(LiveSnapshot snapshot) : IQuerySearcher
{
    private readonly SearchContext?[] _contexts = new SearchContext?[snapshot.Segments.Count];
    private readonly (long Bound, int Segment)[] _order = new (long, int)[snapshot.Segments.Count];
    private readonly QueryVector?[] _queries = new QueryVector?[snapshot.Segments.Count];
    private readonly TopKQueue _merged = new();
    private SegmentedBlockMaxPruning? _segmented;
    private SearchHit[] _results = new SearchHit[16];
    private long[] _accumulators = new long[Math.Max(16, snapshot.BufferCount)];
    private int[] _touched = new int[Math.Max(16, snapshot.BufferCount)];
    private long _bufferScored;

    /// <summary>The snapshot searched.</summary>
    public LiveSnapshot Snapshot => snapshot;

    /// <inheritdoc/>
    public bool InitialThreshold { get; set; } = true;

    /// <inheritdoc/>
    public long DocumentsScored => _contexts.Sum(c => c?.DocumentsScored ?? 0) + _bufferScored;
    /// <inheritdoc/>
    public long PostingsDecoded => _contexts.Sum(c => c?.PostingsDecoded ?? 0);

    /// <summary>
    /// bmp runs across segments while k x this is at most the segments' documents: past it bmp would score most
    /// ranges, and each segment's bmp switches to its posting lists instead (as on one index, see
    /// <see cref="SearchAlgorithms.DocumentsPerBmpResult"/>). Tests set 0 to run across segments at any k.
    /// </summary>
    internal long DocumentsPerBmpResult { get; set; } = SearchAlgorithms.DocumentsPerBmpResult;

    /// <summary>Segments skipped whole since the last reset: their bound could not reach the shared threshold.</summary>
    public long SegmentsSkipped { get; private set; }

    /// <inheritdoc/>
    public void ResetCounters()
    {
        foreach (var context in _contexts)
            context?.ResetCounters();
        _bufferScored = 0;
        SegmentsSkipped = 0;
    }

    /// <summary>The k best live documents, best first, docids being sequence numbers; valid until the next call.</summary>
    public ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor = 1)
    {
        _merged.Reset(k);
        var segments = snapshot.Segments;
        // The shared floor every segment starts from: a segment without deletes whose per-term thresholds promise k
        // documents at a score promises the k best of all segments that score too (ties at it still enter).
        long shared = 0, documents = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            var view = segments[s];
            documents += view.Segment.DocumentCount;
            _queries[s] = view.LiveDocuments == 0 ? null : UnionVocabulary.MapTerms(query, view.Segment.LocalTerms);
            _order[s] = (_queries[s] is null ? 0 : Bound(query, view.Segment), s);
            if (InitialThreshold && _queries[s] is { } local && view.Deleted.Count == 0)
                shared = Math.Max(shared, Context(s).SafeFloor(local, k));
        }
        if (algorithm is BlockMaxPruning && segments.Count > 1 && (long)k * DocumentsPerBmpResult <= documents)
        {
            SearchAcrossSegments(k, thresholdFactor, shared);
            return Finish(query, k);
        }
        _order.AsSpan().Sort(static (a, b) => a.Bound != b.Bound ? b.Bound.CompareTo(a.Bound) : a.Segment.CompareTo(b.Segment));
        foreach (var (bound, s) in _order)
        {
            if (bound == 0)
                continue; // no query term there, or nothing live
            // Full: a document must beat the k-th score, or tie it with a smaller sequence number.
            if (bound < shared || (_merged.IsFull && bound < _merged.Threshold))
            {
                SegmentsSkipped++;
                continue;
            }
            var view = segments[s];
            var context = Context(s);
            context.InitialThreshold = InitialThreshold;
            long floor = Math.Max(shared, _merged.IsFull ? _merged.Threshold : 0);
            var index = view.Segment.Index;
            foreach (var hit in context.Search(_queries[s]!, k, algorithm, thresholdFactor, floor, view.Deleted))
                _merged.Insert(index.SequenceNumber(hit.DocId), hit.Score);
        }
        return Finish(query, k);
    }

    /// <summary>bmp over the segments that could reach <paramref name="shared"/> (each query's in <see cref="_queries"/>).</summary>
    private void SearchAcrossSegments(int k, double thresholdFactor, long shared)
    {
        _merged.Reset(k, thresholdFactor, shared);
        for (int s = 0; s < _queries.Length; s++)
        {
            if (_queries[s] is null || _order[s].Bound == 0)
                _queries[s] = null;
            else if (_order[s].Bound < shared)
            {
                SegmentsSkipped++;
                _queries[s] = null;
            }
            else
                Context(s);
        }
        _segmented ??= new SegmentedBlockMaxPruning(_queries.Length);
        _segmented.Search(snapshot.Segments, _queries, _contexts, _merged);
    }

    /// <summary>Adds the buffer's hits and returns the k best.</summary>
    private ReadOnlySpan<SearchHit> Finish(QueryVector query, int k)
    {
        SearchBuffer(query);
        if (_results.Length < k)
            _results = new SearchHit[k];
        return _results.AsSpan(0, _merged.CopySortedTo(_results));
    }

    private SearchContext Context(int segment) => _contexts[segment] ??= new SearchContext(snapshot.Segments[segment].Segment.Index);

    /// <summary>An upper bound of any document's score in the segment: sum of weight x the term's largest impact.</summary>
    private static long Bound(QueryVector query, Segment segment)
    {
        long bound = 0;
        foreach (var term in query.Terms)
        {
            int local = segment.LocalTerm(term.TermId);
            if (local >= 0)
                bound += (long)term.Weight * segment.Index.Term(local).MaxImpact;
        }
        return bound;
    }

    /// <summary>Term-at-a-time over the buffer prefix the snapshot covers; every scored document is offered.</summary>
    private void SearchBuffer(QueryVector query)
    {
        int count = snapshot.BufferCount;
        if (count == 0)
            return;
        var buffer = snapshot.Buffer;
        var accumulators = _accumulators;
        int touched = 0;
        foreach (var term in query.Terms)
        {
            if (term.Weight == 0 || buffer.Postings(term.TermId) is not { } postings)
                continue;
            var positions = postings.Positions;
            var impacts = postings.Impacts;
            for (int i = 0; i < positions.Length; i++)
            {
                int position = positions[i];
                if (position >= count)
                    break; // appended after this snapshot
                if (accumulators[position] == 0)
                    _touched[touched++] = position;
                accumulators[position] += (long)term.Weight * impacts[i];
            }
        }
        var deleted = snapshot.BufferDeleted;
        foreach (int position in _touched.AsSpan(0, touched))
        {
            long score = accumulators[position];
            accumulators[position] = 0;
            if (deleted.IsEmpty || !deleted.Contains(position))
                _merged.Insert(buffer[position].Sequence, score);
        }
        _bufferScored += touched;
    }
}
