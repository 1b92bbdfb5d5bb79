using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Search;

public class QueryRunnerTests
{
    [Fact]
    public void Results_are_identical_for_every_thread_count_and_the_report_covers_every_query()
    {
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(2000, 50, 4);
        new IndexBuilder(new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary, RangeSize = 16 }).Build(dir.File("i.sfi"));
        using var index = SparseIndex.Open(dir.File("i.sfi"));
        var queries = QueryReader.Read(collection.Queries, index.Vocabulary).Queries;
        foreach (var algorithm in SearchAlgorithms.All)
        {
            var single = QueryRunner.Run(index, queries, new QueryRunOptions { Algorithm = algorithm, K = 20, Threads = 1, WarmupTime = TimeSpan.Zero });
            foreach (int threads in new[] { 2, 3, 8 })
            {
                var parallel = QueryRunner.Run(index, queries, new QueryRunOptions { Algorithm = algorithm, K = 20, Threads = threads, WarmupTime = TimeSpan.Zero });
                for (int q = 0; q < queries.Count; q++)
                    Assert.Equal(single.Hits[q], parallel.Hits[q]);
                Assert.Equal(single.DocumentsScored, parallel.DocumentsScored);
            }
            var latency = single.Latency;
            Assert.Equal(queries.Count, latency.Queries);
            Assert.True(latency.P50 <= latency.P90 && latency.P90 <= latency.P99 && latency.P99 <= latency.Max);
            Assert.True(latency.Mean > 0 && latency.QueriesPerSecond > 0);
        }
    }

    [Fact]
    public void Query_pruning_keeps_the_heaviest_terms()
    {
        var query = new QueryVector("q", [new QueryTerm(1, 10), new QueryTerm(2, 50), new QueryTerm(3, 30), new QueryTerm(4, 10)]);
        Assert.Equal([new QueryTerm(2, 50), new QueryTerm(3, 30)], new QueryPruning(TopTerms: 2).Apply(query).Terms);
        Assert.Equal([new QueryTerm(2, 50), new QueryTerm(3, 30)], new QueryPruning(Mass: 0.8).Apply(query).Terms);
        Assert.Equal([new QueryTerm(1, 10), new QueryTerm(2, 50), new QueryTerm(3, 30)], new QueryPruning(Mass: 0.85).Apply(query).Terms);
        Assert.Same(query, new QueryPruning().Apply(query));
    }

    [Theory]
    [InlineData(true, 10, 100_000, "bmp")] // measured: bmp 0.54 ms, ranked_or_taat 0.75 ms
    [InlineData(true, 100, 100_000, "ranked_or_taat")] // 1.20 against 0.77
    [InlineData(true, 100, 1_000_000, "bmp")] // 4.2 against 8.0
    [InlineData(true, 300, 1_000_000, "ranked_or_taat")] // 12.5 against 8.4
    [InlineData(true, 1000, 8_800_000, "bmp")] // 9.2 against 92.1 (the MS MARCO-sized table)
    [InlineData(false, 10, 8_800_000, "ranked_or_taat")]
    public void Auto_picks_bmp_only_where_it_was_measured_faster(bool hasRanges, int k, long documents, string expected)
    {
        Assert.Equal(expected, SearchAlgorithms.Fastest(hasRanges, k, documents).Name);
        Assert.Equal(expected, SearchAlgorithms.Resolve(SearchAlgorithms.Auto, hasRanges, k, documents).Name);
        Assert.Equal("maxscore", SearchAlgorithms.Resolve("maxscore", hasRanges, k, documents).Name);
    }

    /// <summary>A run shows itself from the start: the warm-up as its own stage, then the timed stage from 0.</summary>
    [Fact]
    public void Progress_starts_with_the_warm_up_and_the_timed_stage_at_zero()
    {
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(2000, 50, 4);
        new IndexBuilder(new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary }).Build(dir.File("i.sfi"));
        using var index = SparseIndex.Open(dir.File("i.sfi"));
        var queries = QueryReader.Read(collection.Queries, index.Vocabulary).Queries;
        var reports = new List<BuildProgress>();
        QueryRunner.Run(index, queries, new QueryRunOptions
        {
            Algorithm = SearchAlgorithms.Get("maxscore"), K = 10, WarmupTime = TimeSpan.FromMilliseconds(50), Progress = new Recorder(reports),
        });
        Assert.Equal("maxscore warm-up", reports[0].Stage);
        var timed = reports.Where(r => r.Stage == "maxscore").ToList();
        Assert.Equal(new BuildProgress("maxscore", 0, 50, "queries"), timed[0]);
        Assert.Equal(new BuildProgress("maxscore", 50, 50, "queries"), timed[^1]);
        Assert.True(reports.IndexOf(timed[0]) > reports.FindLastIndex(r => r.Stage == "maxscore warm-up"));
    }

    private sealed class Recorder(List<BuildProgress> reports) : IProgress<BuildProgress>
    {
        public void Report(BuildProgress value) => reports.Add(value);
    }
}
