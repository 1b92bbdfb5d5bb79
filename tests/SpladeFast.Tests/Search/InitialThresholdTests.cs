using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;
using SpladeFast.TopK;

namespace SpladeFast.Tests.Search;

public class InitialThresholdTests
{
    [Fact]
    public void Every_term_stores_its_kth_largest_impact_for_each_cut()
    {
        using var dir = new TempDirectory();
        var random = new Random(5);
        var documents = Enumerable.Range(0, 2500).Select(d => new TestDocument($"d{d}",
            Enumerable.Range(0, 6).Where(t => random.NextDouble() < 1.0 / (t + 1)).Select(t => ($"t{t}", Math.Round(random.NextDouble() * 5, 2) + 0.01)).ToList())).ToArray();
        using var index = TestIndex.Build(dir, documents);
        var thresholds = index.TermThresholds!;
        Assert.Equal([10, 100, 1000], thresholds.Cuts);
        var forward = ForwardLists.FromIndex(index);
        for (int t = 0; t < index.TermCount; t++)
        {
            var impacts = Enumerable.Range(0, forward.DocumentCount)
                .SelectMany(d => forward.TermsOf(d).ToArray().Zip(forward.ImpactsOf(d).ToArray()).Where(p => p.First == t).Select(p => (uint)p.Second))
                .OrderDescending().ToList();
            for (int c = 0; c < thresholds.Cuts.Count; c++)
                Assert.Equal(thresholds.Cuts[c] <= impacts.Count ? impacts[thresholds.Cuts[c] - 1] : 0u, thresholds.KthImpact(t, c));
        }
        Assert.Equal(0, thresholds.CutFor(1));
        Assert.Equal(1, thresholds.CutFor(11));
        Assert.Equal(2, thresholds.CutFor(1000));
        Assert.Equal(-1, thresholds.CutFor(1001));
    }

    [Fact]
    public void A_floor_at_or_below_the_kth_score_changes_nothing() =>
        Gen.Select(Gen.Long[1, 50].Array[0, 300], Gen.Int[1, 40], Gen.Double[0, 1]).Sample((scores, k, fraction) =>
        {
            var plain = new TopKQueue();
            plain.Reset(k);
            for (int d = 0; d < scores.Length; d++)
                plain.Insert((uint)d, scores[d]);
            var expected = plain.ToSortedArray();
            long kth = expected.Length == k ? expected[^1].Score : 0;
            long floor = (long)(kth * fraction);
            var floored = new TopKQueue();
            floored.Reset(k, floor: floor);
            Assert.True(floored.Threshold >= Math.Max(0, floor - 1));
            for (int d = 0; d < scores.Length; d++)
            {
                if (floored.CouldEnter(scores[d], (uint)d))
                    floored.Insert((uint)d, scores[d]);
            }
            Assert.Equal(expected, floored.ToSortedArray());
        });

    [Fact]
    public void Starting_from_the_floor_prunes_more_and_returns_the_same_hits()
    {
        using var dir = new TempDirectory();
        var (index, collection) = TestIndex.BuildSynthetic(dir, 20_000, 40, seed: 3);
        using var _ = index;
        var queries = QueryReader.Read(collection.Queries, index.Vocabulary).Queries;
        var with = new SearchContext(index);
        var without = new SearchContext(index) { InitialThreshold = false };
        foreach (var algorithm in new[] { "maxscore", "wand", "block_max_wand", "block_max_maxscore" }.Select(SearchAlgorithms.Get))
        {
            with.ResetCounters();
            without.ResetCounters();
            foreach (var query in queries)
                Assert.Equal(without.Search(query, 100, algorithm).ToArray(), with.Search(query, 100, algorithm).ToArray());
            Assert.True(with.DocumentsScored < without.DocumentsScored, $"{algorithm.Name}: {with.DocumentsScored} vs {without.DocumentsScored}");
        }
    }
}
