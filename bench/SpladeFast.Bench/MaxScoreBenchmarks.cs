using BenchmarkDotNet.Attributes;
using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Bench;

/// <summary>
/// MaxScore's window (its essential lists read term-at-a-time over that many docids): smaller windows revise the
/// essential lists more often but pay the per-window overhead more often. One operation = one query.
/// </summary>
public class MaxScoreBenchmarks
{
    private const int Queries = 200;
    private SparseIndex _index = null!;
    private IReadOnlyList<QueryVector> _queries = [];
    private SearchContext _context = null!;
    private MaxScore _algorithm = null!;

    [Params(10, 1000)]
    public int K { get; set; }

    [Params(256, 1024, MaxScore.DefaultWindow)]
    public int Window { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_index, _queries) = SyntheticIndex.Open(100_000, Queries);
        _context = new SearchContext(_index);
        _algorithm = new MaxScore(Window);
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
