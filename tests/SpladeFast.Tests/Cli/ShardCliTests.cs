using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

[Collection("Console")]
public class ShardCliTests
{
    [Fact]
    public void Round_robin_shards_queried_together_or_merged_give_the_run_of_one_index()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("synth", "--docs", "1500", "--queries", "20", "--seed", "9", "--output", dir.Path).ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("all.sfi")).ExitCode);
        for (int part = 0; part < 3; part++)
        {
            var (built, _, buildError) = CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--vocab", dir.File("vocab.txt"), "--output", dir.File($"s{part}.sfi"), "--shard", $"{part}/3", "--bmp");
            Assert.True(built == 0, buildError);
        }
        string shards = string.Join(",", Enumerable.Range(0, 3).Select(p => dir.File($"s{p}.sfi")));
        Assert.Equal(0, CliRunner.Run("query", "--index", dir.File("all.sfi"), "--queries", dir.File("queries.tsv"), "--k", "50", "--run", dir.File("all.trec")).ExitCode);
        var (code, output, error) = CliRunner.Run("query", "--index", shards, "--queries", dir.File("queries.tsv"), "--k", "50", "--algorithm", "block_max_wand", "--run", dir.File("shards.trec"));
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllText(dir.File("all.trec")), File.ReadAllText(dir.File("shards.trec")));

        (code, output, error) = CliRunner.Run("merge", "--index", shards, "--output", dir.File("merged.sfi"));
        Assert.True(code == 0, error);
        Assert.Contains("merged 3 shards: 1,500 documents", output);
        (code, _, error) = CliRunner.Run("query", "--index", dir.File("merged.sfi"), "--queries", dir.File("queries.tsv"), "--k", "50", "--algorithm", "bmp", "--run", dir.File("merged.trec"));
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllText(dir.File("all.trec")), File.ReadAllText(dir.File("merged.trec")));
        Assert.Equal(0, CliRunner.Run("check", "--index", dir.File("merged.sfi")).ExitCode);
    }

    [Fact]
    public void Shards_without_a_common_order_are_refused_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("synth", "--docs", "300", "--queries", "5", "--output", dir.Path).ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("s0.sfi"), "--shard", "0/2").ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("all.sfi")).ExitCode);
        var (code, _, error) = CliRunner.Run("merge", "--index", dir.File("s0.sfi"), dir.File("all.sfi"), "--output", dir.File("m.sfi"));
        Assert.Equal(1, code);
        Assert.Contains("no single document order", error);
        Assert.False(File.Exists(dir.File("m.sfi")));
    }
}
