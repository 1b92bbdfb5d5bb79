using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Live;

/// <summary>
/// <see cref="BlockMaxPruning"/> over every segment of a live snapshot at once: each segment's ranges get their
/// upper bounds and their own <see cref="RangeQueue"/> as on one index, and the next range scored is the best
/// head of all the queues (highest bound in score units, then smallest first sequence number), so the top-k
/// threshold rises as on the merged index and the scan stops when no segment's next range can beat it. Hits enter
/// one top-k queue by sequence number, deleted documents never. One per thread (a <see cref="LiveSearcher"/>'s).
/// </summary>
/// <remarks>
/// Exact: a segment's ranges leave its queue by falling sum, and a range with a smaller sum but the same bound in
/// score units cannot tie with that bound (its real bound is below it), so a head that cannot enter, ties by
/// sequence number included, stops its segment, and the best head stops them all. A segment whose queue must
/// gather its next batch stands for those ranges with the batch's sum limit and sequence number 0 (any tie could
/// enter), and gathers only once the ranges already queued are scored, as on one index.
/// </remarks>
internal sealed class SegmentedBlockMaxPruning(int segments)
{
    private readonly Part[] _parts = new Part[segments];
    private readonly RangePipeline _pipeline = new();

    /// <summary>
    /// Scores the ranges of the segments with a query into <paramref name="merged"/> (docids: sequence numbers),
    /// already reset with the query's k and floor. <paramref name="queries"/>[s] is the query in segment s's term
    /// ids, null to leave the segment out; <paramref name="contexts"/>[s] is its context, whose counters the work
    /// is added to.
    /// </summary>
    /// <exception cref="InvalidOperationException">A segment has no range data.</exception>
    /// <exception cref="Format.IndexCorruptException">A segment opened without verification is damaged.</exception>
    public void Search(IReadOnlyList<SegmentView> views, ReadOnlySpan<QueryVector?> queries, SearchContext?[] contexts, TopKQueue merged)
    {
        var parts = _parts.AsSpan(0, views.Count);
        int longest = 0;
        try
        {
            for (int s = 0; s < parts.Length; s++)
            {
                parts[s] = default;
                if (queries[s] is not { } query || contexts[s] is not { } context)
                    continue;
                var index = context.Index;
                var ranges = index.Ranges
                    ?? throw new InvalidOperationException($"{index.Path} has no block-max ranges: rebuild it with 'index --bmp' to use bmp");
                context.CheckScoreRange(query);
                var scratch = context.RangeScratch;
                var terms = scratch.SetQuery(ranges, query, index.TermCount);
                if (terms.IsEmpty)
                    continue;
                parts[s] = new Part(context, scratch, views[s].Deleted is { Count: > 0 } deleted ? deleted : null);
                try
                {
                    parts[s].Divisor = BlockMaxPruning.AddRangeBounds(ranges, terms, scratch);
                }
                catch (Exception e) when (context.IsDamage(e))
                {
                    throw context.Damage(Format.SectionKind.RangeBounds, "bmp");
                }
                scratch.Queue.Start(scratch.Sums, firstBatch: Math.Max(256, 4 * merged.K));
                longest = Math.Max(longest, terms.Length);
                Refresh(ref parts[s]);
            }
            Scan(parts, longest, merged);
        }
        finally
        {
            // The buffers are the next query's too: they go back zeroed even when a damaged segment throws.
            foreach (ref var part in parts)
            {
                if (part.Scratch is { } scratch)
                {
                    Array.Clear(scratch.Sums);
                    scratch.Scores.AsSpan(0, scratch.Ranges.RangeSize).Clear();
                }
                part = default; // no reference to a context outlives the query
            }
        }
    }

    private void Scan(Span<Part> parts, int longest, TopKQueue merged)
    {
        var pipeline = _pipeline;
        pipeline.Start(longest);
        while (true)
        {
            // Ranges enter the pipeline in the global order; a segment that must gather first stops the filling
            // (its ungathered ranges may come before any gathered one), as the single-index loop does.
            while (pipeline.Count < RangePipeline.Depth && Best(parts) is var best and >= 0 && !parts[best].Gathers)
            {
                ref var part = ref parts[best];
                part.Scratch!.Queue.Pop();
                pipeline.Add(part.Scratch, best, part.HeadRange, part.HeadSum);
                Refresh(ref part);
            }
            if (pipeline.Count == 0)
            {
                int best = Best(parts);
                if (best < 0 || !merged.CouldEnter(parts[best].HeadBound, 0))
                    break;
                parts[best].Scratch!.Queue.TryPeek(out _, out _); // gathers the next batch
                Refresh(ref parts[best]);
                continue;
            }
            var (s, range, sum) = pipeline.Head;
            ref var head = ref parts[s];
            var context = head.Context!;
            var ranges = head.Scratch!.Ranges;
            uint first = (uint)(range * ranges.RangeSize);
            if (!merged.CouldEnter(BlockMaxPruning.Bound(sum, head.Divisor), FirstSequence(context.Index, first)))
                break;
            var scores = head.Scratch.Scores.AsSpan(0, ranges.RangeSize);
            try
            {
                context.PostingsDecoded += pipeline.ScoreHead(scores);
            }
            catch (Exception e) when (context.IsDamage(e))
            {
                throw context.Damage(Format.SectionKind.RangeForward, "bmp");
            }
            context.DocumentsScored += Collect(context.Index, head.Deleted, first, scores[..Math.Min(ranges.RangeSize, context.Index.DocumentCount - (int)first)], merged);
        }
    }

    /// <summary>Offers the range's scored documents that are not deleted, zeroing their scores; returns those scored.</summary>
    private static long Collect(SparseIndex index, DeletedDocuments? deleted, uint first, Span<long> scores, TopKQueue merged)
    {
        long scored = 0;
        for (int d = 0; d < scores.Length; d++)
        {
            long score = scores[d];
            if (score == 0)
                continue;
            scores[d] = 0;
            scored++;
            // Below the threshold nothing enters (at it, a smaller sequence number may): the lookups are skipped.
            if (score < merged.Threshold)
                continue;
            uint docId = first + (uint)d;
            if (deleted is null || !deleted.Contains(docId))
                merged.Insert(index.SequenceNumber(docId), score);
        }
        return scored;
    }

    /// <summary>
    /// The smallest sequence number of a range starting at docid <paramref name="first"/>: its first document's,
    /// as sequence numbers increase with docid; 0 (any tie may enter) in a reordered imported segment.
    /// </summary>
    private static uint FirstSequence(SparseIndex index, uint first) =>
        index.HasSequence || index.Order.IsIdentity ? index.SequenceNumber(first) : 0;

    /// <summary>The segment whose next range comes first (highest bound, then smallest sequence number), or -1.</summary>
    private static int Best(ReadOnlySpan<Part> parts)
    {
        int best = -1;
        for (int s = 0; s < parts.Length; s++)
        {
            ref readonly var part = ref parts[s];
            if (!part.HasHead)
                continue;
            if (best < 0 || part.HeadBound > parts[best].HeadBound
                || (part.HeadBound == parts[best].HeadBound && part.HeadSequence < parts[best].HeadSequence))
                best = s;
        }
        return best;
    }

    /// <summary>Sets the segment's head from its queue: the next range, the batch still to gather, or none.</summary>
    private static void Refresh(ref Part part)
    {
        var queue = part.Scratch!.Queue;
        part.HasHead = true;
        if (queue.NeedsGather)
            (part.Gathers, part.HeadBound, part.HeadSequence) = (true, BlockMaxPruning.Bound((uint)(queue.UngatheredLimit - 1), part.Divisor), 0);
        else if (queue.TryPeek(out uint sum, out int range))
        {
            (part.Gathers, part.HeadSum, part.HeadRange) = (false, sum, range);
            part.HeadBound = BlockMaxPruning.Bound(sum, part.Divisor);
            part.HeadSequence = FirstSequence(part.Context!.Index, (uint)(range * part.Scratch.Ranges.RangeSize));
        }
        else
            part.HasHead = false;
    }

    /// <summary>One segment's state in the current query; default: not searched.</summary>
    private struct Part(SearchContext context, BlockMaxPruning.Scratch scratch, DeletedDocuments? deleted)
    {
        public SearchContext? Context = context;
        public BlockMaxPruning.Scratch? Scratch = scratch;
        /// <summary>The segment's deletes, null when none.</summary>
        public DeletedDocuments? Deleted = deleted;
        /// <summary>The segment's range-sum divisor (see <see cref="BlockMaxPruning.AddRangeBounds"/>).</summary>
        public ulong Divisor;
        /// <summary>Whether the segment has ranges left (false when not searched).</summary>
        public bool HasHead;
        /// <summary>The head's bound in score units.</summary>
        public long HeadBound;
        /// <summary>The head range's smallest sequence number (0 while <see cref="Gathers"/>).</summary>
        public uint HeadSequence;
        /// <summary>Whether the head stands for the batch the queue gathers next, bounded by its sum limit.</summary>
        public bool Gathers;
        public uint HeadSum;
        public int HeadRange;
    }
}
