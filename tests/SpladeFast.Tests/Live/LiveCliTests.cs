using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Live;

/// <summary>live create/add/delete/commit/merge/stats, and query, check and export on a live directory.</summary>
[Collection("Console")]
public sealed class LiveCliTests
{
    [Fact]
    public void A_live_index_answers_as_an_index_built_from_its_live_documents()
    {
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(1200, 30, 7);
        string live = dir.File("live");
        Assert.Equal(0, CliRunner.Run("live", "create", "-i", live, "--flush-docs", "250", "--segments-per-tier", "2", "--merge-at-once", "3", "--bmp-range", "16").ExitCode);
        var add = CliRunner.Run("live", "add", "-i", live, "-I", collection.Documents, "--batch-docs", "300");
        Assert.True(add.ExitCode == 0, add.Error);
        Assert.Contains("acknowledged 1200 documents (through line 1200)", add.Out);
        // Delete a few and replace one with another document's vector: the expected collection changes alike.
        var lines = File.ReadAllLines(collection.Documents).ToList();
        var deleted = new[] { "3", "500", "1199" };
        Assert.Contains("3 documents deleted", CliRunner.Run("live", "delete", "-i", live, "--id", string.Join(",", deleted)).Out);
        string replacement = lines[10].Replace("\"id\":\"10\"", "\"id\":\"20\"", StringComparison.Ordinal);
        Assert.NotEqual(lines[10], replacement);
        File.WriteAllText(dir.File("replace.jsonl"), replacement + "\n");
        Assert.Contains("1 replaced", CliRunner.Run("live", "add", "-i", live, "-I", dir.File("replace.jsonl")).Out);
        var expected = lines.Where(l => !deleted.Any(id => l.StartsWith($"{{\"id\":\"{id}\",", StringComparison.Ordinal)) && !l.StartsWith("{\"id\":\"20\",", StringComparison.Ordinal)).Append(replacement).ToList();
        File.WriteAllLines(dir.File("expected.jsonl"), expected);
        Assert.Equal(0, CliRunner.Run("index", "-I", dir.File("expected.jsonl"), "-o", dir.File("expected.sfi"), "--bmp", "--bmp-range", "16").ExitCode);

        void AssertSameRuns(string stage)
        {
            foreach (string algorithm in new[] { "bmp", "block_max_wand", "ranked_or_taat" })
            {
                foreach (string k in new[] { "10", "1000" })
                {
                    var a = CliRunner.Run("query", "-i", live, "-q", collection.Queries, "-k", k, "-a", algorithm, "--skip-bad", "-r", dir.File("live.run"));
                    Assert.True(a.ExitCode == 0, a.Error);
                    Assert.Equal(0, CliRunner.Run("query", "-i", dir.File("expected.sfi"), "-q", collection.Queries, "-k", k, "-a", algorithm, "--skip-bad", "-r", dir.File("expected.run")).ExitCode);
                    Assert.True(File.ReadAllText(dir.File("expected.run")) == File.ReadAllText(dir.File("live.run")), $"{stage}: {algorithm} k={k} differs");
                }
            }
        }
        AssertSameRuns("buffer and segments");
        var check = CliRunner.Run("check", "-i", live);
        Assert.True(check.ExitCode == 0, check.Error);
        Assert.Contains(": ok (generation", check.Out);
        Assert.Contains("committed generation", CliRunner.Run("live", "commit", "-i", live).Out);
        Assert.Contains("-> 1 (", CliRunner.Run("live", "merge", "-i", live, "--max-segments", "1").Out);
        AssertSameRuns("merged");
        Assert.Contains($"\"LiveDocuments\": {expected.Count}", CliRunner.Run("live", "stats", "-i", live, "--json").Out);
        Assert.Equal(CliRunner.Run("live", "stats", "-i", live, "--json").Out, CliRunner.Run("stats", "-i", live, "--json").Out);
        // export writes the live documents as the index built from them would.
        Assert.Equal(0, CliRunner.Run("export", "-i", live, "--format", "anserini", "-o", dir.File("live.jsonl")).ExitCode);
        Assert.Equal(0, CliRunner.Run("export", "-i", dir.File("expected.sfi"), "--format", "anserini", "-o", dir.File("expected-export.jsonl")).ExitCode);
        Assert.Equal(Canonical(dir.File("expected-export.jsonl")), Canonical(dir.File("live.jsonl")));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp-*"));
    }

    /// <summary>Each exported document as "id token=weight ..." with its tokens sorted (term ids order them differently).</summary>
    private static List<string> Canonical(string jsonl) =>
        File.ReadLines(jsonl).Select(line =>
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            var vector = document.RootElement.GetProperty("vector").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}").Order(StringComparer.Ordinal);
            return document.RootElement.GetProperty("id").GetString() + " " + string.Join(" ", vector);
        }).Order(StringComparer.Ordinal).ToList();

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Live_add_texts_encodes_with_the_model_and_answers_as_encode_then_index()
    {
        string model = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        string collection = SharedData.Require("data/splade-toy/full_collection_raw.tsv");
        string topics = SharedData.Require("data/splade-toy/dev_queries_raw.tsv");
        using var dir = new TempDirectory();
        string live = dir.File("live");
        Assert.Equal(0, CliRunner.Run("live", "create", "-i", live, "--flush-docs", "40").ExitCode);
        // One text per model batch on both sides, so padding never differs between the two encodings.
        var add = CliRunner.Run("live", "add", "-i", live, "--texts", collection, "--model", model, "--batch-docs", "30", "--batch", "1");
        Assert.True(add.ExitCode == 0, add.Error);
        Assert.Contains("acknowledged 89 documents (through line 89)", add.Out);
        Assert.Contains("\"LiveDocuments\": 89", CliRunner.Run("live", "stats", "-i", live, "--json").Out);

        var encode = CliRunner.Run("encode", "--model", model, "--input", collection, "--output", dir.File("splade.jsonl"), "--batch", "1");
        Assert.True(encode.ExitCode == 0, encode.Error);
        Assert.Equal(0, CliRunner.Run("index", "-I", dir.File("splade.jsonl"), "-o", dir.File("expected.sfi"), "--bmp").ExitCode);
        var a = CliRunner.Run("query", "-i", live, "--topics", topics, "--query-model", model, "-k", "10", "-a", "bmp", "-r", dir.File("live.run"));
        Assert.True(a.ExitCode == 0, a.Error);
        Assert.Equal(0, CliRunner.Run("query", "-i", dir.File("expected.sfi"), "--topics", topics, "--query-model", model, "-k", "10", "-a", "bmp", "-r", dir.File("expected.run")).ExitCode);
        Assert.Equal(File.ReadAllText(dir.File("expected.run")), File.ReadAllText(dir.File("live.run")));
        Assert.Equal(11 * 10, File.ReadAllLines(dir.File("live.run")).Length);
        // The stored fields are the texts: the first hit of each query shows its document's text.
        string firstHit = File.ReadAllLines(dir.File("live.run"))[0].Split(' ')[2];
        string firstText = File.ReadLines(collection).Select(l => l.Split('\t')).First(f => f[0] == firstHit)[1];
        var shown = CliRunner.Run("query", "-i", live, "--topics", topics, "--query-model", model, "-k", "10", "--show", "text");
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains(firstText[..Math.Min(40, firstText.Length)], shown.Out);
        Assert.Contains("--texts needs --model", CliRunner.Run("live", "add", "-i", live, "--texts", collection).Error);
    }

    [Fact]
    public void A_bad_line_fails_the_batch_naming_file_and_line_and_adds_nothing()
    {
        using var dir = new TempDirectory();
        string live = dir.File("live");
        Assert.Equal(0, CliRunner.Run("live", "create", "-i", live).ExitCode);
        File.WriteAllText(dir.File("bad.jsonl"), "{\"id\":\"a\",\"vector\":{\"x\":1}}\n\n{\"id\":\"b\",\"vector\":{\"x\":1e9}}\n");
        var result = CliRunner.Run("live", "add", "-i", live, "-I", dir.File("bad.jsonl"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.jsonl:3:", result.Error);
        Assert.Contains("\"LiveDocuments\": 0", CliRunner.Run("live", "stats", "-i", live, "--json").Out);
        Assert.Contains("not empty", CliRunner.Run("live", "create", "-i", live).Error);
    }
}
