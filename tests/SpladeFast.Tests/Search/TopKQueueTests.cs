using CsCheck;
using SpladeFast.Tests.Support;
using SpladeFast.TopK;

namespace SpladeFast.Tests.Search;

public class TopKQueueTests
{
    [Fact]
    public void Keeps_the_k_best_in_any_insertion_order_with_smaller_docids_winning_ties() =>
        Gen.Select(Gen.Int[1, 50], Gen.Long[1, 20].Array[0, 300])
            .Sample(c =>
            {
                var (k, scores) = c;
                var hits = scores.Select((s, i) => new SearchHit((uint)(i * 37 % 1009), s)).DistinctBy(h => h.DocId).ToArray();
                var queue = new TopKQueue();
                queue.Reset(k);
                foreach (var hit in hits.Reverse())
                    queue.Insert(hit.DocId, hit.Score);
                var expected = hits.Order(Comparer<SearchHit>.Create(SearchHit.Compare)).Take(k).ToArray();
                Assert.Equal(expected, queue.ToSortedArray());
            }, iter: 300);

    [Fact]
    public void Threshold_is_zero_until_full_then_the_worst_kept_score()
    {
        var queue = new TopKQueue();
        queue.Reset(2);
        queue.Insert(1, 5);
        Assert.Equal(0, queue.Threshold);
        queue.Insert(2, 7);
        Assert.Equal(5, queue.Threshold);
        Assert.False(queue.Insert(3, 5));
        Assert.True(queue.Insert(0, 5));
        Assert.Equal(new[] { new SearchHit(2, 7), new SearchHit(0, 5) }, queue.ToSortedArray());
    }

    /// <summary>With ordinals that do not follow docids, a tie can still win: the threshold is one below the k-th score.</summary>
    [Fact]
    public void Ties_break_by_input_ordinal_and_the_threshold_leaves_room_for_them()
    {
        using var dir = new TempDirectory();
        using var plain = TestIndex.Build(dir, Enumerable.Range(0, 40).Select(d => new TestDocument($"d{d}", [("a", 1.0)])).ToArray());
        using var shuffled = TestIndex.Shuffled(dir, plain, seed: 5);
        var order = shuffled.Order;
        var queue = new TopKQueue();
        queue.Reset(3, order: order);
        for (uint d = 0; d < 40; d++)
            queue.Insert(d, 7);
        Assert.Equal(6, queue.Threshold); // a later docid with score 7 may still have a smaller ordinal
        Assert.True(queue.CouldEnter(7, firstDocId: 39));
        Assert.False(queue.CouldEnter(6, firstDocId: 0));
        Assert.Equal(["d0", "d1", "d2"], queue.ToSortedArray().Select(h => shuffled.DocumentId(h.DocId)));

        queue.Reset(3); // docid order: the classic strict threshold and tie rule
        for (uint d = 0; d < 40; d++)
            queue.Insert(d, 7);
        Assert.Equal(7, queue.Threshold);
        Assert.False(queue.CouldEnter(7, firstDocId: 39));
        Assert.True(queue.CouldEnter(7, firstDocId: 1));
    }
}
