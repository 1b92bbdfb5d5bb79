using BenchmarkDotNet.Attributes;
using SpladeFast.Algorithms;

namespace SpladeFast.Bench;

/// <summary>
/// MaxScore's window (its essential lists read term-at-a-time over that many docids) on the queries of
/// <see cref="QueryBenchmarks"/>: smaller windows revise the essential lists more often but pay the per-window
/// overhead more often. One operation = one query.
/// </summary>
public class MaxScoreBenchmarks : QueryBenchmarks
{
    [Params(256, 1024, MaxScore.DefaultWindow)]
    public int Window { get; set; }

    protected override ISearchAlgorithm CreateAlgorithm() => new MaxScore(Window);
}
