using BenchmarkDotNet.Attributes;
using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Bench;

/// <summary>The same queries of a synthetic index answered by one algorithm; one operation = one query.</summary>
public abstract class QueryBenchmarks
{
    private const int Queries = 200;
    private SparseIndex _index = null!;
    private IReadOnlyList<QueryVector> _queries = [];
    private SearchContext _context = null!;
    private ISearchAlgorithm _algorithm = null!;

    [Params(10, 1000)]
    public int K { get; set; }

    /// <summary>Documents of the synthetic index.</summary>
    protected virtual int DocumentCount => 100_000;

    /// <summary>The algorithm measured, made once per parameter set.</summary>
    protected abstract ISearchAlgorithm CreateAlgorithm();

    [GlobalSetup]
    public void Setup()
    {
        (_index, _queries) = SyntheticIndex.Open(DocumentCount, Queries);
        _context = new SearchContext(_index);
        _algorithm = CreateAlgorithm();
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
