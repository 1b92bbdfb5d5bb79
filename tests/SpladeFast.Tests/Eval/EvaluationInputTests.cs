using SpladeFast.Eval;
using SpladeFast.Run;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Eval;

/// <summary>Inputs that used to evaluate to silently wrong numbers (cases 2026-11-30: qrels-conflicting, eval-no-shared-topic, empty-inputs).</summary>
[Collection("Console")]
public class EvaluationInputTests
{
    private static readonly string[] Run3 = ["1 Q0 a 1 3.0 r", "1 Q0 x 2 2.0 r", "1 Q0 b 3 1.0 r"];

    [Theory]
    [InlineData("1 0 a 1", "1 0 a 0", "judged 0 here but 1")]
    [InlineData("1 0 a 0", "1 0 a 1", "judged 1 here but 0")]
    public void Conflicting_judgments_are_an_error_naming_both_lines(string first, string second, string conflict)
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("run3.txt"), Run3);
        File.WriteAllLines(dir.File("qrels.txt"), [first, second, "1 0 b 2"]);
        var (code, output, error) = CliRunner.Run("evaluate", "--run", dir.File("run3.txt"), "--qrels", dir.File("qrels.txt"));
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"error: {dir.File("qrels.txt")}:2: topic 1 document a {conflict} at {dir.File("qrels.txt")}:1", error.Trim());
    }

    [Fact]
    public void Identical_duplicate_judgments_count_once()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("run3.txt"), Run3);
        File.WriteAllLines(dir.File("once.txt"), ["1 0 a 1", "1 0 b 2"]);
        File.WriteAllLines(dir.File("twice.txt"), ["1 0 a 1", "1 0 b 2", "1 0 a 1"]);
        var once = TrecEvaluator.Evaluate(TrecRun.Read(dir.File("run3.txt")), Qrels.Load(dir.File("once.txt")), dir.File("run3.txt"));
        var twice = TrecEvaluator.Evaluate(TrecRun.Read(dir.File("run3.txt")), Qrels.Load(dir.File("twice.txt")), dir.File("run3.txt"));
        Assert.Equal((1 + 2 / 3.0) / 2, once.Mean["map"], 12);
        Assert.Equal(once.Mean, twice.Mean);
    }

    [Fact]
    public void A_run_and_qrels_without_a_shared_topic_are_an_error()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("run_nov.txt"), ["2 Q0 a 1 1 r"]);
        File.WriteAllLines(dir.File("qrels_nov.txt"), ["2.X 0 a 1"]);
        var (code, output, error) = CliRunner.Run("evaluate", "--run", dir.File("run_nov.txt"), "--qrels", dir.File("qrels_nov.txt"));
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"error: {dir.File("run_nov.txt")}: shares no topic with {dir.File("qrels_nov.txt")} (run topics e.g. '2'; qrels topics e.g. '2.X')", error.Trim());
    }

    [Theory]
    [InlineData("empty.run", "no run lines (empty run file)")]
    [InlineData("empty.qrels", "no judgments (empty qrels file)")]
    public void Empty_run_or_qrels_files_are_errors_naming_the_file(string empty, string message)
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("run.txt"), Run3);
        File.WriteAllLines(dir.File("qrels.txt"), ["1 0 a 1"]);
        File.WriteAllText(dir.File(empty), "\n  \n");
        string run = empty.EndsWith(".run", StringComparison.Ordinal) ? dir.File(empty) : dir.File("run.txt");
        string qrels = empty.EndsWith(".qrels", StringComparison.Ordinal) ? dir.File(empty) : dir.File("qrels.txt");
        var (code, _, error) = CliRunner.Run("evaluate", "--run", run, "--qrels", qrels);
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File(empty)}: {message}", error.Trim());
    }

    [Fact]
    public void Empty_documents_or_queries_files_are_errors_naming_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("empty.jsonl"), "");
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("empty.jsonl"), "--output", dir.File("i.sfi"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File("empty.jsonl")}: no documents (empty input)", LastLine(error));
        Assert.False(File.Exists(dir.File("i.sfi")));

        File.WriteAllLines(dir.File("bad.jsonl"), ["""{"id": "1", "vector": {"a": NaN}}"""]);
        (code, _, error) = CliRunner.Run("index", "--input", dir.File("bad.jsonl"), "--output", dir.File("i.sfi"), "--skip-bad");
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File("bad.jsonl")}: no documents left after skipping 1 bad lines", LastLine(error));

        File.WriteAllLines(dir.File("docs.jsonl"), ["""{"id": "d1", "vector": {"a": 1}}"""]);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("i.sfi")).ExitCode);
        File.WriteAllText(dir.File("empty.tsv"), "");
        (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("empty.tsv"), "--k", "3", "--run", dir.File("r.trec"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File("empty.tsv")}: no queries (empty file)", error.Trim());
        Assert.False(File.Exists(dir.File("r.trec")));
    }

    /// <summary>The error line, after the progress lines that stderr also carries.</summary>
    private static string LastLine(string error) => error.Trim().Split('\n')[^1];
}
