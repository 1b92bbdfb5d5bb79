using CsCheck;
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
}
