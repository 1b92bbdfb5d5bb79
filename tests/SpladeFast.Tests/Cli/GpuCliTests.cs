using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

[Collection("Console")]
public class GpuCliTests
{
    [SkippableFact]
    public void Without_a_gpu_cuda_is_a_clear_error_auto_falls_back_and_bench_gpu_says_skipped()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("synth", "--docs", "500", "--queries", "10", "--output", dir.Path).ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("i.sfi")).ExitCode);
        using (var index = SpladeFast.Index.SparseIndex.Open(dir.File("i.sfi")))
        using (var gpu = SpladeFast.Cuda.Search.GpuExhaustiveSearch.TryCreateOnCuda(index, out _))
            Skip.IfNot(gpu is null, "a GPU is present");

        var (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("queries.tsv"), "--algorithm", "gpu_exhaustive", "--device", "cuda", "--batch", "256");
        Assert.Equal(1, code);
        Assert.Contains("error: --device cuda: ", error);
        (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("queries.tsv"), "--algorithm", "gpu_exhaustive");
        Assert.Equal(1, code);
        Assert.Contains("runs on a GPU", error);
        (code, var output, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("queries.tsv"), "--algorithm", "gpu_exhaustive", "--device", "auto", "--run", dir.File("auto.trec"), "--k", "20");
        Assert.True(code == 0, error);
        Assert.Contains("answering with the CPU engine", error);
        Assert.Equal(0, CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("queries.tsv"), "--run", dir.File("cpu.trec"), "--k", "20").ExitCode);
        Assert.Equal(File.ReadAllText(dir.File("cpu.trec")), File.ReadAllText(dir.File("auto.trec")));
        (code, output, _) = CliRunner.Run("bench", "gpu", "--index", dir.File("i.sfi"), "--queries", dir.File("queries.tsv"));
        Assert.Equal(0, code);
        Assert.StartsWith("bench gpu skipped: ", output);
    }
}
