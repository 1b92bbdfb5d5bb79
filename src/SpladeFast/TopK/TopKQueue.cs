using System.Runtime.CompilerServices;

using SpladeFast.Format;
using SpladeFast.Index;

namespace SpladeFast.TopK;

/// <summary>
/// Keeps the k best hits in a binary min-heap whose root is the worst kept hit (lowest score; among equal
/// scores, the largest input ordinal, see <see cref="DocumentOrder"/>). Reused across queries: no allocation
/// after the first query of a given k. The heap holds ordinals in place of docids, turned back on the way out.
/// </summary>
public sealed class TopKQueue
{
    private SearchHit[] _heap = new SearchHit[16];
    private double _thresholdFactor = 1;
    private long _floorThreshold;
    private DocumentOrder _order;
    private DeletedDocuments? _deleted;
    /// <summary>1 when ordinals do not follow docids: a later docid may then win a tie, so the threshold is one lower.</summary>
    private long _tieSlack;
    /// <summary><see cref="Threshold"/>, recomputed only when the heap changes: pruning loops read it per candidate.</summary>
    private long _threshold;

    /// <summary>The k of the current query (set by <see cref="Reset"/>).</summary>
    public int K { get; private set; }
    /// <summary>Hits held: at most <see cref="K"/>.</summary>
    public int Count { get; private set; }

    /// <param name="k">Results kept.</param>
    /// <param name="thresholdFactor">
    /// Above 1, pruning algorithms see an overestimated threshold and skip more: faster, approximate.
    /// </param>
    /// <param name="floor">
    /// A score every one of the k best reaches (a safe lower bound on the k-th best score, 0 when none is known):
    /// documents below it are pruned from the start.
    /// </param>
    /// <param name="order">The order ties break in; the default is docid order.</param>
    /// <param name="deleted">Documents that never enter (a live segment's deletes), checked only for hits that would.</param>
    public void Reset(int k, double thresholdFactor = 1, long floor = 0, DocumentOrder order = default, DeletedDocuments? deleted = null)
    {
        if (k < 1)
            ThrowHelper.ArgumentOutOfRange(nameof(k), "k must be at least 1.");
        if (!(thresholdFactor >= 1))
            ThrowHelper.ArgumentOutOfRange(nameof(thresholdFactor), "The threshold factor must be at least 1.");
        _thresholdFactor = thresholdFactor;
        _floorThreshold = Math.Max(0, floor - 1); // integer scores: "at least floor" is "above floor - 1"
        _order = order;
        _deleted = deleted is { Count: > 0 } ? deleted : null;
        _tieSlack = order.IsIdentity ? 0 : 1;
        if (_heap.Length < k)
            _heap = new SearchHit[k];
        K = k;
        Count = 0;
        _threshold = _floorThreshold;
    }

    /// <summary>Whether k hits are held, so that a new hit must beat the threshold.</summary>
    public bool IsFull => Count == K;

    /// <summary>
    /// A document must score strictly above this to enter when documents arrive in increasing docid order
    /// (a later docid loses ties, unless ordinals differ from docids: then the threshold is one below the k-th
    /// score, as a tie may still win). Scores are positive, so 0 while the queue is not full, or just below the
    /// floor given to <see cref="Reset"/>. The queue's own part is multiplied by the threshold factor, which is 1
    /// for exact search.
    /// </summary>
    public long Threshold
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _threshold;
    }

    /// <summary>
    /// Says that, for the rest of this query, documents may arrive before docids already offered (bmp finishing a
    /// query in docid order after scoring ranges in bound order): <see cref="Threshold"/> then drops to one below the
    /// k-th score, so an equal score with an earlier ordinal is still offered and <see cref="Insert"/> decides the tie.
    /// <see cref="Reset"/> undoes it.
    /// </summary>
    public void AcceptOutOfOrder()
    {
        _tieSlack = 1;
        UpdateThreshold();
    }

    private void UpdateThreshold() =>
        _threshold = Count < K ? _floorThreshold
            : Math.Max(_floorThreshold, (_thresholdFactor == 1 ? _heap[0].Score : (long)(_heap[0].Score * _thresholdFactor)) - _tieSlack);

    /// <summary>
    /// Whether a document not yet seen, with docid at least <paramref name="firstDocId"/> and score at most
    /// <paramref name="bound"/>, could still enter: for algorithms that visit documents out of docid order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CouldEnter(long bound, uint firstDocId)
    {
        long threshold = Threshold;
        return bound > threshold || (bound == threshold && Count == K && _tieSlack == 0 && firstDocId < _heap[0].DocId);
    }

    /// <summary>Offers a hit in any docid order; returns whether it was kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Insert(uint docId, long score)
    {
        if (Count < K)
        {
            if (_deleted is { } deletedWhileFilling && deletedWhileFilling.Contains(docId))
                return false;
            SiftUp(Count++, new SearchHit(_order.Ordinal(docId), score));
            if (Count == K)
                UpdateThreshold();
            return true;
        }
        ref var root = ref _heap[0];
        if (score < root.Score)
            return false; // most offers: decided before the ordinal is looked up
        uint ordinal = _order.Ordinal(docId);
        if (score == root.Score && ordinal > root.DocId)
            return false;
        if (_deleted is { } deleted && deleted.Contains(docId))
            return false;
        SiftDown(new SearchHit(ordinal, score));
        UpdateThreshold();
        return true;
    }

    /// <summary>The kept hits, best first; the queue stays usable.</summary>
    public int CopySortedTo(Span<SearchHit> destination)
    {
        var hits = destination[..Count];
        _heap.AsSpan(0, Count).CopyTo(hits);
        hits.Sort(SearchHit.Compare);
        if (!_order.IsIdentity)
        {
            foreach (ref var hit in hits)
                hit = hit with { DocId = _order.DocId(hit.DocId) };
        }
        return Count;
    }

    /// <summary>The hits, best first (ties by input ordinal), as a new array.</summary>
    public SearchHit[] ToSortedArray()
    {
        var hits = new SearchHit[Count];
        CopySortedTo(hits);
        return hits;
    }

    /// <summary>True when a is worse than b (a belongs nearer the root).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Worse(in SearchHit a, in SearchHit b) =>
        a.Score < b.Score || (a.Score == b.Score && a.DocId > b.DocId);

    private void SiftUp(int index, SearchHit hit)
    {
        var heap = _heap;
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (!Worse(hit, heap[parent]))
                break;
            heap[index] = heap[parent];
            index = parent;
        }
        heap[index] = hit;
    }

    private void SiftDown(SearchHit hit)
    {
        var heap = _heap;
        int count = Count, index = 0;
        while (true)
        {
            int child = 2 * index + 1;
            if (child >= count)
                break;
            if (child + 1 < count && Worse(heap[child + 1], heap[child]))
                child++;
            if (!Worse(heap[child], hit))
                break;
            heap[index] = heap[child];
            index = child;
        }
        heap[index] = hit;
    }
}
