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
    public int Search() => SearchAll(_context, _queries, K, _algorithm);

    /// <summary>Answers every query; returns the hits, so the work is not optimized away.</summary>
    internal static int SearchAll(SearchContext context, IReadOnlyList<QueryVector> queries, int k, ISearchAlgorithm algorithm)
    {
        int hits = 0;
        foreach (var query in queries)
            hits += context.Search(query, k, algorithm).Length;
        return hits;
    }
}
