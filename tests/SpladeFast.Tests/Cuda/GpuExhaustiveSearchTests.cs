using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Cuda.Kernels;
using SpladeFast.Cuda.Search;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cuda;

public class GpuExhaustiveSearchTests
{
    private sealed record Case(TestDocument[] Documents, (int Term, uint Weight)[][] Queries, int K, int Batch, int BlockThreads, bool Shuffled);

    private static readonly Gen<Case> Cases =
        from vocabulary in Gen.Int[1, 16]
        from documents in Gen.Select(Gen.Int[0, vocabulary - 1], Gen.OneOf(0.01, 0.5, 1.0, 655.35, 3.21)).Array[0, 6].Array[1, 300]
        from queries in Gen.Select(Gen.Int[0, vocabulary + 1], Gen.UInt[1, 40000]).Array[0, 5].Array[1, 12]
        from k in Gen.OneOf(1, 2, 10, 100, 1000)
        from batch in Gen.Int[1, 12]
        from blockThreads in Gen.OneOf(1, 7, 32)
        from shuffled in Gen.Bool
        select new Case(
            documents.Select((terms, d) => new TestDocument($"d{d}", terms.DistinctBy(t => t.Item1).Select(t => ($"w{t.Item1}", t.Item2)).ToList())).ToArray(),
            queries, k, batch, blockThreads, shuffled);

    [SkippableFact]
    public void Emulated_kernels_equal_exhaustive_cpu_search_on_random_collections()
    {
        Skip.IfNot(EmulatedBackend.IsAvailable(out string reason), reason);
        Cases.Sample(c =>
        {
            using var dir = new TempDirectory();
            using var plain = TestIndex.Build(dir, c.Documents);
            // Shuffled: ties must still break by input order, which the kernels see as their document numbers.
            using var index = c.Shuffled ? TestIndex.Shuffled(dir, plain, seed: c.Documents.Length) : SparseIndex.Open(plain.Path);
            using var gpu = new GpuExhaustiveSearch(new EmulatedBackend(KernelIndex.FromIndex(index), (uint)c.BlockThreads), index.TermCount, index.Order);
            AssertSameAsCpu(index, gpu, Queries(index, c.Queries), c.K, c.Batch);
        }, iter: 40, threads: 1);
    }

    [SkippableFact]
    public void As_a_query_searcher_it_answers_a_query_run_like_the_cpu_in_batches_and_one_by_one()
    {
        Skip.IfNot(EmulatedBackend.IsAvailable(out string reason), reason);
        using var dir = new TempDirectory();
        var (index, collection) = TestIndex.BuildSynthetic(dir, documents: 2000, queries: 50, seed: 5);
        using var _ = index;
        var queries = QueryReader.Read(collection.Queries, index.Vocabulary).Queries;
        var exhaustive = SearchAlgorithms.Get("ranked_or");
        var options = new QueryRunOptions { Algorithm = exhaustive, K = 20, Threads = 2 };
        var cpu = QueryRunner.Run(index, queries, options);
        using var searcher = new GpuSearcher(new GpuExhaustiveSearch(new EmulatedBackend(KernelIndex.FromIndex(index), 32), index.TermCount, index.Order), batchSize: 16);
        var gpu = QueryRunner.Run(() => searcher, queries, options);
        Assert.Equal(GpuExhaustiveSearch.AlgorithmName, gpu.Algorithm);
        Assert.Equal(queries.Count, gpu.LatencyMilliseconds.Length);
        for (int q = 0; q < queries.Count; q++)
        {
            Assert.Equal(cpu.Hits[q], gpu.Hits[q]);
            Assert.Equal(cpu.Hits[q], searcher.Search(queries[q], 20, exhaustive).ToArray());
        }
    }

    [SkippableFact]
    public void A_real_gpu_equals_exhaustive_cpu_search()
    {
        Skip.IfNot(CudaBackend.IsAvailable(out string missing), $"no GPU here: {missing}");
        using var dir = new TempDirectory();
        var (index, collection) = TestIndex.BuildSynthetic(dir, documents: 20000, queries: 300, seed: 2);
        using var _ = index;
        using var gpu = GpuExhaustiveSearch.TryCreateOnCuda(index, out string reason);
        Skip.If(gpu is null, $"no GPU here: {reason}");
        var queries = QueryReader.Read(collection.Queries, index.Vocabulary).Queries;
        foreach (int k in new[] { 10, 1000 })
            AssertSameAsCpu(index, gpu!, queries, k, batch: 128);
    }

    [SkippableFact]
    public void The_build_embeds_ptx_declaring_every_kernel()
    {
        bool hasClang = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "clang-14")) || File.Exists(Path.Combine(d, "clang")));
        Skip.IfNot(hasClang, "no clang on this machine, so the build could not compile the PTX");
        using var stream = typeof(GpuExhaustiveSearch).Assembly.GetManifestResourceStream("splade_kernels.ptx");
        Assert.NotNull(stream);
        string ptx = new StreamReader(stream).ReadToEnd();
        Assert.Contains(".target sm_80", ptx, StringComparison.Ordinal);
        foreach (string kernel in new[] { "sf_score_batch", "sf_partial_topk", "sf_merge_topk" })
            Assert.Contains($".visible .entry {kernel}(", ptx, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Without_a_gpu_the_cuda_backend_says_why()
    {
        Skip.If(CudaBackend.IsAvailable(out _), "a GPU is present");
        using var dir = new TempDirectory();
        using var index = TestIndex.Build(dir, [new TestDocument("a", [("x", 1.0)])]);
        using var gpu = GpuExhaustiveSearch.TryCreateOnCuda(index, out string reason);
        Assert.Null(gpu);
        Assert.Matches("no CUDA driver|sees no device|cuInit failed", reason);
    }

    private static void AssertSameAsCpu(SparseIndex index, GpuExhaustiveSearch gpu, IReadOnlyList<QueryVector> queries, int k, int batch)
    {
        var context = new SearchContext(index);
        var hits = gpu.Search(queries, k, batch);
        for (int q = 0; q < queries.Count; q++)
            Assert.Equal(context.Search(queries[q], k, SearchAlgorithms.Get("ranked_or")).ToArray(), hits[q]);
    }

    private static QueryVector[] Queries(SparseIndex index, (int Term, uint Weight)[][] queries) =>
        queries.Select((terms, q) => new QueryVector($"q{q}", terms.Select(t =>
            new QueryTerm(index.Vocabulary.TryGetId($"w{t.Term}", out int id) ? id : int.MaxValue, t.Weight)).ToArray())).ToArray();
}
