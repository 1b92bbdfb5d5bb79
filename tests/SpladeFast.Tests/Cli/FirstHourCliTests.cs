using SpladeFast.Cli.Output;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

/// <summary>What a new user meets first: option errors, help, defaults and progress lines (issue 20).</summary>
[Collection("Console")]
public class FirstHourCliTests
{
    [Theory]
    [InlineData("--k", "0", "--k must be at least 1, not 0")]
    [InlineData("--k", "-5", "--k must be at least 1, not -5")]
    [InlineData("--k", "ten", "--k takes a whole number, not 'ten'")]
    [InlineData("--threads", "0", "--threads must be at least 1, not 0")]
    [InlineData("--query-scale", "x", "--query-scale takes a number, not 'x'")]
    [InlineData("--warmup", "-1", "--warmup must be a number of at least 0, not -1")]
    public void Bad_option_values_name_the_option_and_the_value_without_dotnet_type_names(string option, string value, string message)
    {
        var (code, output, error) = CliRunner.Run("query", "--index", "i.sfi", "--queries", "q.tsv", option, value);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("Parameter", error);
        Assert.DoesNotContain("Usage:", output + error); // the error stays on screen: no help after it
        Assert.Contains("run 'splade-fast query --help' for the options", error);
    }

    [Fact]
    public void An_unknown_flag_gives_the_error_and_where_help_is_not_the_whole_help()
    {
        var (code, output, error) = CliRunner.Run("bench", "latency", "--bogus");
        Assert.NotEqual(0, code);
        Assert.Contains("--bogus", error);
        Assert.Contains("run 'splade-fast bench latency --help' for the options", error);
        Assert.True((output + error).Split('\n').Length < 8, output + error);
    }

    [Fact]
    public void Outputs_are_checked_before_any_work()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("taken"));
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("missing.jsonl"), "--output", dir.File("taken"));
        Assert.Equal(1, code);
        Assert.Contains($"--output {dir.File("taken")} is a directory; give a file path", error);
        File.WriteAllText(dir.File("file"), "x");
        (code, _, error) = CliRunner.Run("query", "--index", "i.sfi", "--queries", "q.tsv", "--run", dir.File("file/run.trec"));
        Assert.Equal(1, code);
        Assert.Contains($"{dir.File("file")} is a file, so nothing can be written under it", error);
        (code, _, error) = CliRunner.Run("synth", "--output", dir.File("file"));
        Assert.Equal(1, code);
        Assert.Contains("is a file; give a directory", error);
    }

    [Fact]
    public void A_directory_given_as_the_index_is_named_as_such()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = CliRunner.Run("query", "--index", dir.Path, "--queries", "q.tsv");
        Assert.Equal(1, code);
        Assert.Contains($"{dir.Path}: is a directory, not an index file", error);
    }

    [Fact]
    public void Export_needs_a_format()
    {
        var (code, _, error) = CliRunner.Run("export", "--index", "i.sfi", "--output", "x");
        Assert.Equal(1, code);
        Assert.Contains("error: give --format: pisa, ciff, anserini, parquet or bulk", error);
    }

    [Fact]
    public void Query_help_groups_options_and_keeps_descriptions_near_the_names()
    {
        var (code, output, _) = CliRunner.Run("query", "--help");
        Assert.Equal(0, code);
        foreach (string heading in new[] { "Options:", "Model options:", "BM25 options:", "Text query options:", "Approximate search options:" })
            Assert.Contains(heading, output);
        Assert.True(output.IndexOf("--k1", StringComparison.Ordinal) > output.IndexOf("BM25 options:", StringComparison.Ordinal));
        Assert.True(output.IndexOf("--max-length", StringComparison.Ordinal) > output.IndexOf("Model options:", StringComparison.Ordinal));
        string algorithmRow = output.Split('\n').Single(l => l.TrimStart().StartsWith("-a, --algorithm", StringComparison.Ordinal));
        Assert.True(algorithmRow.IndexOf("Query algorithm", StringComparison.Ordinal) < 50, algorithmRow);
        Assert.DoesNotContain("query tokens", CliRunner.Run("index", "--help").Out);
    }

    [Fact]
    public void Progress_lines_time_each_stage_from_its_first_report_and_give_units()
    {
        long now = 0;
        var output = new StringWriter();
        var progress = new ProgressDisplay.LineProgress(output, () => now);
        long second = System.Diagnostics.Stopwatch.Frequency;
        progress.Report(new BuildProgress("reading", 0, 4_000_000, "bytes"));
        now += second / 2;
        progress.Report(new BuildProgress("reading", 1_000_000, 4_000_000, "bytes")); // under a second: no line yet
        now += second / 2;
        progress.Report(new BuildProgress("reading", 2_000_000, 4_000_000, "bytes"));
        now += second;
        progress.Report(new BuildProgress("reading", 4_000_000, 4_000_000, "bytes"));
        now += 10 * second; // a finished stage's clock stops: nothing more, and its rate stays what it was
        progress.Report(new BuildProgress("reading", 4_000_000, 4_000_000, "bytes"));
        progress.Report(new BuildProgress("terms", 10, 10, "terms"));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "reading: 50% (2,000,000/4,000,000 bytes, 2.0 MB/s, 1.0 s)",
            "reading: 100% (4,000,000/4,000,000 bytes, 2.0 MB/s, 2.0 s)",
            "terms: 100% (10/10 terms, 0.0 s)",
        ], lines);
    }

    [Fact]
    public void Encode_shows_the_bm25_fitting_pass_and_times_every_pass()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "cheap", "flights", "to", "rome"]);
        File.WriteAllLines(dir.File("texts.tsv"), Enumerable.Range(0, 300).Select(i => $"t{i}\tcheap flights to rome {i}"));
        var (code, output, error) = CliRunner.Run("encode", "--model", "bm25", "--vocab", dir.File("vocab.txt"), "--input", dir.File("texts.tsv"), "--output", dir.File("v.jsonl"));
        Assert.True(code == 0, error);
        Assert.Contains("fitting bm25: 100% (300/300 texts", error);
        Assert.Contains("encoding (bm25(k1=0.9, b=0.4)): 100% (300/300 texts", error);
        Assert.Matches(@"encoded 300 texts with bm25\(k1=0.9, b=0.4\) -> .* in [0-9.]+ s \([0-9.]+ texts/s\)", output);
    }
}
