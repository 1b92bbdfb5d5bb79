using BenchmarkDotNet.Attributes;
using SpladeFast.Simd;

namespace SpladeFast.Bench;

/// <summary>
/// The two vector kernels of bmp, per path, on MS MARCO-sized shapes: adding a dense row of byte range bounds to
/// the sums (138,155 ranges of 64 documents), and locating 45 query terms among a range's 4,000 sorted terms.
/// </summary>
public class BmpKernelBenchmarks
{
    private const int Ranges = 138_155;
    private const int RangeTerms = 4_000;
    private const int QueryTerms = 45;
    private byte[] _row = [];
    private uint[] _sums = [];
    private ushort[] _rangeTerms = [];
    private ushort[] _queryTerms = [];
    private readonly int[] _found = new int[QueryTerms];

    [ParamsSource(nameof(Paths))]
    public VectorPath Path { get; set; }

    public static IEnumerable<VectorPath> Paths() => VectorPaths.All.Where(VectorPaths.IsSupported);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _row = new byte[Ranges];
        random.NextBytes(_row);
        _sums = new uint[Ranges];
        _rangeTerms = Sample(random, RangeTerms);
        _queryTerms = Sample(random, QueryTerms);
    }

    private static ushort[] Sample(Random random, int count) =>
        Enumerable.Range(0, 30_522).OrderBy(_ => random.Next()).Take(count).Order().Select(t => (ushort)t).ToArray();

    /// <summary>Per range: bytes of a dense row added to the sums.</summary>
    [Benchmark(OperationsPerInvoke = Ranges)]
    public void AddDenseRow() => RangeBoundSums.AddScaled(Path, _row, 300, _sums);

    /// <summary>Per query term located.</summary>
    [Benchmark(OperationsPerInvoke = QueryTerms)]
    public int LocateQueryTerms()
    {
        SortedSearch.Locate(Path, _rangeTerms, _queryTerms, _found);
        return _found[QueryTerms - 1];
    }
}
