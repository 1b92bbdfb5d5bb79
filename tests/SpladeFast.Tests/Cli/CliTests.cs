using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

[Collection("Console")]
public class CliTests
{
    [Fact]
    public void Demo_checks_every_algorithm_and_prints_a_latency_table()
    {
        var (code, output, error) = CliRunner.Run("demo", "--docs", "3000", "--queries", "60");
        Assert.True(code == 0, error);
        Assert.Contains("all exact", output);
        Assert.Contains("| ranked_or | 10 | 1 | 60 |", output);
        Assert.Contains("| ranked_or_taat |", output);
        Assert.Contains("p99 ms", output);
    }

    [Fact]
    public void Synth_index_query_evaluate_check_and_stats_work_together()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("synth", "--docs", "2000", "--queries", "40", "--seed", "5", "--output", dir.Path, "--gzip").ExitCode);
        var (code, output, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl.gz"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("index.sfi"));
        Assert.True(code == 0, error);
        Assert.Contains("indexed 2,000 documents", output);

        (code, output, error) = CliRunner.Run("query", "--index", dir.File("index.sfi"), "--queries", dir.File("queries.tsv"),
            "--k", "100", "--threads", "2", "--run", dir.File("run.trec"), "--report", "json");
        Assert.True(code == 0, error);
        Assert.Contains("\"algorithm\": \"ranked_or\"", output);
        var run = File.ReadAllLines(dir.File("run.trec"));
        Assert.Equal(4000, run.Length);
        Assert.Matches(@"^1000000 Q0 \d+ 1 [0-9.]+ splade-fast$", run[0]);

        (code, output, _) = CliRunner.Run("evaluate", "--run", dir.File("run.trec"), "--qrels", dir.File("qrels.txt"));
        Assert.Equal(0, code);
        Assert.Matches(@"mrr@10\s+\tall\t0\.\d{4}", output);
        Assert.Contains("num_q         \tall\t40", output);

        (code, output, _) = CliRunner.Run("check", "--index", dir.File("index.sfi"));
        Assert.Equal(0, code);
        Assert.Contains(": ok (2,000 documents", output);

        (code, output, _) = CliRunner.Run("stats", "--index", dir.File("index.sfi"));
        Assert.Equal(0, code);
        Assert.Contains("bits per posting", output);
        Assert.Contains("posting-list lengths", output);
    }

    [Fact]
    public void Bad_input_is_one_clear_line_naming_file_and_line_and_no_index()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("docs.jsonl"), ["""{"id": "1", "vector": {"a": 1}}""", """{"id": "2", "vector": {"a": NaN}}"""]);
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("index.sfi"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File("docs.jsonl")}:2: weights must be finite numbers (found NaN or Infinity)", error.Trim());
        Assert.False(File.Exists(dir.File("index.sfi")));

        (code, var output, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("index.sfi"), "--skip-bad");
        Assert.True(code == 0, error);
        Assert.Contains("skipped 1 bad records", output);
    }

    [Fact]
    public void A_corrupted_index_is_reported_not_searched()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("docs.jsonl"), Enumerable.Range(0, 200).Select(i => $"{{\"id\": \"{i}\", \"vector\": {{\"a\": {i % 9 + 1}, \"b\": 0.5}}}}"));
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("index.sfi")).ExitCode);
        var bytes = File.ReadAllBytes(dir.File("index.sfi"));
        bytes[^80] ^= 0x40;
        File.WriteAllBytes(dir.File("index.sfi"), bytes);
        File.WriteAllLines(dir.File("q.tsv"), ["1\ta b"]);
        var (code, _, error) = CliRunner.Run("query", "--index", dir.File("index.sfi"), "--queries", dir.File("q.tsv"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {dir.File("index.sfi")}: corrupt or unreadable index: checksum mismatch", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(1, CliRunner.Run("check", "--index", dir.File("index.sfi")).ExitCode);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("synth")]
    [InlineData("index")]
    [InlineData("query")]
    [InlineData("evaluate")]
    [InlineData("check")]
    [InlineData("stats")]
    public void Every_command_has_help(string command)
    {
        var (code, output, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
        Assert.Contains("Options:", output);
    }
}
