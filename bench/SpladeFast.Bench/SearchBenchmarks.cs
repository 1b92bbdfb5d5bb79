using BenchmarkDotNet.Attributes;
using SpladeFast.Algorithms;

namespace SpladeFast.Bench;

/// <summary>Each algorithm over the same queries of a synthetic index; one operation = one query.</summary>
public class SearchBenchmarks : QueryBenchmarks
{
    [Params(100_000)]
    public int Documents { get; set; }

    [ParamsSource(nameof(Algorithms))]
    public string Algorithm { get; set; } = "";

    /// <summary>Every algorithm, or those named (comma-separated) in SPLADEFAST_BENCH_ALGORITHMS, to shorten a run.</summary>
    public static IEnumerable<string> Algorithms() =>
        Environment.GetEnvironmentVariable("SPLADEFAST_BENCH_ALGORITHMS") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : SearchAlgorithms.Names;

    protected override int DocumentCount => Documents;

    protected override ISearchAlgorithm CreateAlgorithm() => SearchAlgorithms.Get(Algorithm);
}
