using BenchmarkDotNet.Attributes;
using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Bench;

/// <summary>Each algorithm over the same queries of a synthetic index; one operation = one query.</summary>
public class SearchBenchmarks
{
    private const int Queries = 200;
    private SparseIndex _index = null!;
    private IReadOnlyList<QueryVector> _queries = [];
    private SearchContext _context = null!;
    private ISearchAlgorithm _algorithm = null!;

    [Params(100_000)]
    public int Documents { get; set; }

    [Params(10, 1000)]
    public int K { get; set; }

    [ParamsSource(nameof(Algorithms))]
    public string Algorithm { get; set; } = "";

    /// <summary>Every algorithm, or those named (comma-separated) in SPLADEFAST_BENCH_ALGORITHMS, to shorten a run.</summary>
    public static IEnumerable<string> Algorithms() =>
        Environment.GetEnvironmentVariable("SPLADEFAST_BENCH_ALGORITHMS") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : SearchAlgorithms.Names;

    [GlobalSetup]
    public void Setup()
    {
        (_index, _queries) = SyntheticIndex.Open(Documents, Queries);
        _context = new SearchContext(_index);
        _algorithm = SearchAlgorithms.Get(Algorithm);
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = Queries)]
    public int Search()
    {
        int hits = 0;
        foreach (var query in _queries)
            hits += _context.Search(query, K, _algorithm).Length;
        return hits;
    }
}
