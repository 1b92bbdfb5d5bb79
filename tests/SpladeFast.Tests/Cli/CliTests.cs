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
        // The default, auto, picks the fastest exact algorithm this index supports and says so.
        Assert.Contains("\"algorithm\": \"ranked_or_taat\"", output);
        Assert.Contains("algorithm: ranked_or_taat (auto: the index has no bmp range data", error);
        Assert.Contains($"wrote 4,000 run lines for 40 queries to {dir.File("run.trec")}", error);
        // Work counters are per timed query, as in the table: a query scores at most every document once.
        var report = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("runs")[0];
        double scored = report.GetProperty("documents_scored_per_query").GetDouble();
        Assert.InRange(scored, 1, 2000);
        Assert.True(report.GetProperty("postings_decoded_per_query").GetDouble() >= scored);
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
    [InlineData("bench")]
    [InlineData("bench", "latency")]
    [InlineData("export")]
    [InlineData("merge")]
    [InlineData("import")]
    [InlineData("convert")]
    [InlineData("serve")]
    [InlineData("train")]
    [InlineData("bench", "gpu")]
    public void Every_command_has_help(string command, string? subcommand = null)
    {
        var (code, output, _) = CliRunner.Run(subcommand is null ? [command, "--help"] : [command, subcommand, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
        Assert.Contains("Options:", output);
    }

    [Fact]
    public void Bench_latency_compares_every_algorithm_and_export_writes_a_pisa_collection()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("synth", "--docs", "3000", "--queries", "30", "--output", dir.Path).ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("i.sfi"), "--bmp", "--bmp-range", "32").ExitCode);
        var (code, output, error) = CliRunner.Run("bench", "latency", "--index", dir.File("i.sfi"), "--queries", dir.File("queries.tsv"), "--k", "10");
        Assert.True(code == 0, error);
        Assert.Contains("all identical", output);
        foreach (var name in SpladeFast.Algorithms.SearchAlgorithms.Names)
            Assert.Contains($"| {name} | 10 | 1 | 30 |", output);

        (code, output, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("queries.tsv"), "--algorithm", "bmp", "--query-top", "5", "--overestimate", "1.2");
        Assert.True(code == 0, error);
        Assert.Contains("APPROXIMATE results", output);

        (code, _, error) = CliRunner.Run("export", "--format", "pisa", "--index", dir.File("i.sfi"), "--output", dir.File("pisa/synth"), "--queries", dir.File("queries.tsv"));
        Assert.True(code == 0, error);
        var docs = ReadSequences(dir.File("pisa/synth.docs"));
        var freqs = ReadSequences(dir.File("pisa/synth.freqs"));
        var sizes = ReadSequences(dir.File("pisa/synth.sizes")).Single();
        Assert.Equal([3000u], docs[0]);
        Assert.Equal(docs.Count - 1, freqs.Count);
        Assert.Equal(File.ReadAllLines(dir.File("pisa/synth.terms")).Length, freqs.Count);
        Assert.Equal(docs.Skip(1).Select(l => l.Length), freqs.Select(l => l.Length));
        Assert.All(docs.Skip(1), list => Assert.True(list.SequenceEqual(list.Order().Distinct())));
        Assert.Equal(3000, sizes.Length);
        Assert.Equal(docs.Skip(1).Sum(l => (long)l.Length), sizes.Sum(s => (long)s));
        var queryLines = File.ReadAllLines(dir.File("pisa/synth.queries"));
        Assert.Equal(30, queryLines.Length);
        Assert.Matches(@"^1000000:\d+( \d+)*$", queryLines[0]);
    }

    /// <summary>PISA binary sequences: u32 length, then that many u32 values.</summary>
    private static List<uint[]> ReadSequences(string path)
    {
        var data = File.ReadAllBytes(path);
        var sequences = new List<uint[]>();
        for (int offset = 0; offset < data.Length;)
        {
            int length = (int)BitConverter.ToUInt32(data, offset);
            offset += 4;
            sequences.Add(Enumerable.Range(0, length).Select(i => BitConverter.ToUInt32(data, offset + 4 * i)).ToArray());
            offset += 4 * length;
        }
        return sequences;
    }

    [Fact]
    public void Prune_an_index_at_build_time_after_it_and_a_jsonl_file()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("synth", "--docs", "1500", "--queries", "10", "--output", dir.Path).ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("full.sfi")).ExitCode);
        var (code, output, error) = CliRunner.Run("prune", "--index", dir.File("full.sfi"), "--output", dir.File("top20.sfi"), "--doc-top", "20");
        Assert.True(code == 0, error);
        Assert.Matches(@"doc-top=20: 29,\d{3} of \d{3},\d{3} postings kept", output);
        (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("built.sfi"), "--doc-top", "20");
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(dir.File("top20.sfi")).Length, File.ReadAllBytes(dir.File("built.sfi")).Length);
        (code, output, _) = CliRunner.Run("stats", "--index", dir.File("built.sfi"));
        Assert.Equal(0, code);
        Assert.Contains("doc-top=20", output);
        Assert.Equal(1, CliRunner.Run("prune", "--index", dir.File("full.sfi"), "--output", dir.File("x.sfi"), "--doc-top", "2", "--min-impact", "3").ExitCode);

        (code, output, error) = CliRunner.Run("prune", "--input", dir.File("docs.jsonl"), "--output", dir.File("pruned.jsonl"), "--min-impact", "50");
        Assert.True(code == 0, error);
        Assert.All(File.ReadLines(dir.File("pruned.jsonl")).Take(50), line =>
            Assert.All(System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("vector").EnumerateObject(), p => Assert.True(p.Value.GetDouble() >= 0.5)));
    }

    [Fact]
    public void Anserini_export_reindexes_to_the_same_postings()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("synth", "--docs", "800", "--queries", "5", "--output", dir.Path).ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("a.sfi")).ExitCode);
        var (code, _, error) = CliRunner.Run("export", "--format", "anserini", "--index", dir.File("a.sfi"), "--output", dir.File("a.jsonl.gz"));
        Assert.True(code == 0, error);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("a.jsonl.gz"), "--vocab", dir.File("vocab.txt"), "--output", dir.File("b.sfi")).ExitCode);
        using var a = SpladeFast.Index.SparseIndex.Open(dir.File("a.sfi"));
        using var b = SpladeFast.Index.SparseIndex.Open(dir.File("b.sfi"));
        TestIndex.AssertSameDocuments(a, b);
    }
}
