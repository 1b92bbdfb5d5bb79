using SpladeFast.Shards;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

/// <summary>Variations of the 2026-11-30 cases that a user hits next: the same kinds, other commands.</summary>
[Collection("Console")]
public class InputVariationCliTests
{
    [Fact]
    public void Shards_holding_one_document_twice_are_refused_naming_both_files()
    {
        using var dir = new TempDirectory();
        TestIndex.Build(dir, [new TestDocument("d1", [("a", 1.0)]), new TestDocument("d2", [("a", 2.0)])], name: "a.sfi").Dispose();
        TestIndex.Build(dir, [new TestDocument("d3", [("a", 1.0)]), new TestDocument("d2", [("b", 2.0)])], name: "b.sfi").Dispose();
        var error = Assert.Throws<InvalidOperationException>(() => ShardSet.Open([dir.File("a.sfi"), dir.File("b.sfi")]).Dispose());
        Assert.Equal($"document id 'd2' is in both {dir.File("a.sfi")} and {dir.File("b.sfi")}; shards must hold distinct documents", error.Message);
        var (code, _, text) = CliRunner.Run("query", "--index", $"{dir.File("a.sfi")},{dir.File("b.sfi")}", "--queries", dir.File("q.tsv"));
        Assert.Equal(1, code);
        Assert.Contains("document id 'd2' is in both", text);
    }

    [Theory]
    [InlineData("index")]
    [InlineData("encode")]
    public void A_string_escaping_half_a_surrogate_pair_is_refused_with_file_and_line(string command)
    {
        using var dir = new TempDirectory();
        string input = dir.File("in.jsonl");
        File.WriteAllLines(input, command == "index"
            ? ["""{"id": "d1", "vector": {"a": 1}}""", """{"id": "d\ud802", "vector": {"a": 1}}"""]
            : ["""{"id": "d1", "contents": "fine"}""", """{"id": "d2", "contents": "half \udc00 a pair"}"""]);
        var (code, _, error) = command == "index"
            ? CliRunner.Run("index", "--input", input, "--output", dir.File("i.sfi"))
            : CliRunner.Run("encode", "--model", "tokens", "--vocab", VocabularyFile(dir), "--input", input, "--output", dir.File("o.jsonl"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {input}:2: malformed JSON string", error);
    }

    [Fact]
    public void Encode_and_convert_refuse_an_empty_input_and_write_nothing()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("empty.tsv"), "");
        var (code, _, error) = CliRunner.Run("encode", "--model", "bm25", "--vocab", VocabularyFile(dir), "--input", dir.File("empty.tsv"), "--output", dir.File("o.jsonl"));
        Assert.Equal(1, code);
        Assert.Contains($"{dir.File("empty.tsv")}: no texts (empty input)", error);
        File.WriteAllText(dir.File("empty.jsonl"), "");
        (code, _, error) = CliRunner.Run("convert", "--input", dir.File("empty.jsonl"), "--output", dir.File("v.parquet"));
        Assert.Equal(1, code);
        Assert.Contains($"{dir.File("empty.jsonl")}: no vectors (empty input)", error);
        Assert.False(File.Exists(dir.File("o.jsonl")) || File.Exists(dir.File("v.parquet")));
    }

    [Fact]
    public void An_index_with_bmp_data_can_go_to_a_folder_that_does_not_exist_yet()
    {
        using var dir = new TempDirectory();
        TestIndex.WriteJsonl(dir.File("docs.jsonl"), Enumerable.Range(0, 50).Select(d => new TestDocument($"d{d}", [("a", 1.0 + d)])));
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("new/folder/i.sfi"), "--bmp");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(dir.File("new/folder/i.sfi")));
    }

    [Fact]
    public void A_folder_given_as_an_input_file_is_named_as_such()
    {
        using var dir = new TempDirectory();
        TestIndex.Build(dir, [new TestDocument("d1", [("a", 1.0)])]).Dispose();
        var (code, _, error) = CliRunner.Run("query", "--index", dir.File("index.sfi"), "--queries", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains($"{dir.Path}: is a directory; give a file", error);
    }

    private static string VocabularyFile(TempDirectory dir)
    {
        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "fine", "half", "a", "pair"]);
        return dir.File("vocab.txt");
    }
}
