using BenchmarkDotNet.Attributes;
using SpladeFast.Build;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Simd;

namespace SpladeFast.Bench;

/// <summary>
/// The vector kernels of bmp, per path, on MS MARCO-sized shapes (138,155 ranges of 64 documents): adding a dense
/// row of byte range bounds to the sums (version 2), and expanding a term's range bitmap and bound bytes into them
/// (version 3), for a term found in half the ranges.
/// </summary>
public class BmpKernelBenchmarks
{
    private const int Ranges = 138_155;
    private byte[] _row = [];
    private ulong[] _presence = [];
    private byte[] _bounds = [];
    private uint[] _sums = [];

    [ParamsSource(nameof(Paths))]
    public VectorPath Path { get; set; }

    public static IEnumerable<VectorPath> Paths() => VectorPaths.All.Where(VectorPaths.IsSupported);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _row = new byte[Ranges];
        _presence = new ulong[(Ranges + 63) / 64];
        for (int r = 0; r < Ranges; r++)
        {
            if (random.Next(2) == 0)
                continue;
            _row[r] = (byte)random.Next(1, 256);
            _presence[r / 64] |= 1ul << (r % 64);
        }
        _bounds = [.. _row.Where(b => b != 0)];
        _sums = new uint[Ranges];
    }

    /// <summary>Per range: bytes of a dense row added to the sums.</summary>
    [Benchmark(OperationsPerInvoke = Ranges)]
    public void AddDenseRow() => RangeBoundSums.AddScaled(Path, _row, 300, _sums);

    /// <summary>Per range: the same bounds expanded from the bitmap and bytes (Vector256 runs the Vector128 kernel).</summary>
    [Benchmark(OperationsPerInvoke = Ranges)]
    public int AddExpanded() =>
        RangeBoundExpand.AddExpanded(RangeBoundExpand.IsSupported(Path) ? Path : VectorPath.Vector128, _presence, _bounds, 300, _sums);
}

/// <summary>Locating 45 query terms in a range's term set of 4,000 of BERT's 30,522 terms (one probe each).</summary>
public class TermProbeBenchmarks
{
    private const int Vocabulary = 30_522;
    private const int RangeTerms = 4_000;
    private const int QueryTerms = 45;
    private ulong[] _termSet = [];
    private TermProbe[] _probes = [];
    private readonly int[] _found = new int[QueryTerms];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _termSet = new ulong[RangeForwardLayout.TermLines(Vocabulary) * RangeForwardLayout.LineWords];
        RangeForwardWriter.FillTermSet(Sample(random, RangeTerms), _termSet);
        _probes = Sample(random, QueryTerms).Select(t => new TermProbe(t)).ToArray();
    }

    private static int[] Sample(Random random, int count) =>
        Enumerable.Range(0, Vocabulary).OrderBy(_ => random.Next()).Take(count).Order().ToArray();

    /// <summary>Per query term located.</summary>
    [Benchmark(OperationsPerInvoke = QueryTerms)]
    public int Probe()
    {
        for (int q = 0; q < _probes.Length; q++)
            _found[q] = _probes[q].Find(_termSet);
        return _found[QueryTerms - 1];
    }
}

/// <summary>
/// bmp over the same synthetic index (100,000 documents, ranges of 64) with its bmp data in the version 2 layout
/// (3-byte entries, u32 pair starts, dense rows and u32 sparse range lists) and in version 3's compact one
/// (bit-packed entries, a pair-start bitmap, every term's ranges as a bitmap or an Elias-Fano list with one bound
/// byte each): the lookups, the scoring loop and the range bounds are what differ. One operation = one query.
/// </summary>
public class BmpLayoutBenchmarks
{
    private const int Queries = 200;
    private SparseIndex _index = null!;
    private IReadOnlyList<Ingest.QueryVector> _queries = [];
    private Algorithms.SearchContext _context = null!;
    private readonly Algorithms.BlockMaxPruning _bmp = new();

    [Params(10, 1000)]
    public int K { get; set; }

    [Params(2u, 3u)]
    public uint Version { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_index, _queries) = SyntheticIndex.Open(100_000, Queries);
        if (Version == 2)
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"splade-fast-bench-v2-{Environment.ProcessId}.sfi");
            using (var contents = Rewrite.IndexRewriter.Rewrite(DocumentContents.FromIndex(_index), path))
                IndexComposer.WriteVersion2Bmp(path, contents);
            _index.Dispose();
            _index = SparseIndex.Open(path, IndexStorageKind.InMemory);
            File.Delete(path);
        }
        _context = new Algorithms.SearchContext(_index);
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = Queries)]
    public int Search() => QueryBenchmarks.SearchAll(_context, _queries, K, _bmp);

    /// <summary>Only the range upper bounds of each query (dense rows or expanded bitmaps, u32 lists or Elias-Fano lists), what Search does before it visits a range.</summary>
    [Benchmark(OperationsPerInvoke = Queries)]
    public ulong RangeBounds()
    {
        var scratch = _context.RangeScratch;
        ulong divisors = 0;
        foreach (var query in _queries)
        {
            var terms = scratch.SetQuery(_index.Ranges!, query, _index.TermCount);
            divisors += Algorithms.BlockMaxPruning.AddRangeBounds(_index.Ranges!, terms, scratch);
            Array.Clear(scratch.Sums);
        }
        return divisors;
    }
}
