using BenchmarkDotNet.Attributes;
using SpladeFast.Algorithms;

namespace SpladeFast.Bench;

/// <summary>
/// The window of MaxScore and BlockMax-MaxScore (their essential lists read term-at-a-time over that many docids;
/// BlockMax-MaxScore also splits the lists per window from block maxima) on the queries of
/// <see cref="QueryBenchmarks"/>: smaller windows revise the split more often but pay the per-window overhead more
/// often. One operation = one query.
/// </summary>
public class MaxScoreBenchmarks : QueryBenchmarks
{
    [Params("maxscore", "block_max_maxscore")]
    public string Algorithm { get; set; } = "maxscore";

    [Params(256, 1024, MaxScore.DefaultWindow)]
    public int Window { get; set; }

    protected override ISearchAlgorithm CreateAlgorithm() =>
        Algorithm == "maxscore" ? new MaxScore(Window) : new BlockMaxMaxScore(Window);
}
