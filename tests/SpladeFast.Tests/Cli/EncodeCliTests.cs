using System.IO.Compression;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

[Collection("Console")]
public class EncodeCliTests
{
    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Encode_index_and_query_text_with_a_splade_checkpoint_bm25_and_idf()
    {
        string model = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        string collection = SharedData.Require("data/splade-toy/full_collection_raw.tsv");
        string topics = SharedData.Require("data/splade-toy/dev_queries_raw.tsv");
        string vocab = SharedData.Require("data/bert-base-uncased/vocab.txt");
        string idf = SharedData.Require("data/idf/idf.json");
        using var dir = new TempDirectory();

        var (code, output, error) = CliRunner.Run("encode", "--model", model, "--input", collection, "--output", dir.File("splade.jsonl.gz"), "--batch", "8");
        Assert.True(code == 0, error);
        Assert.Contains("encoded 89 texts with splade:tiny-bert-mlm", output);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("splade.jsonl.gz"), "--vocab", vocab, "--output", dir.File("splade.sfi")).ExitCode);
        (code, output, error) = CliRunner.Run("query", "--index", dir.File("splade.sfi"), "--topics", topics, "--query-model", model, "--k", "5", "--run", dir.File("splade.run"));
        Assert.True(code == 0, error);
        Assert.Contains("query encoding with splade:tiny-bert-mlm", output);
        Assert.Equal(11 * 5, File.ReadAllLines(dir.File("splade.run")).Length);

        (code, _, error) = CliRunner.Run("encode", "--model", "bm25", "--vocab", vocab, "--input", collection, "--output", dir.File("bm25.jsonl"));
        Assert.True(code == 0, error);
        Assert.Equal(0, CliRunner.Run("index", "--input", dir.File("bm25.jsonl"), "--vocab", vocab, "--output", dir.File("bm25.sfi")).ExitCode);
        (code, output, error) = CliRunner.Run("query", "--index", dir.File("bm25.sfi"), "--topics", topics, "--query-encoder", "tokens", "--vocab", vocab, "--k", "3", "--algorithm", "maxscore");
        Assert.True(code == 0, error);
        Assert.Contains("| maxscore | 3 | 1 | 11 |", output);
        (code, output, error) = CliRunner.Run("query", "--index", dir.File("bm25.sfi"), "--topics", topics, "--query-encoder", $"idf:{idf}", "--vocab", vocab, "--k", "3");
        Assert.True(code == 0, error);
        Assert.Contains("query encoding with idf:idf.json", output);
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Shards_split_a_corpus_without_overlap()
    {
        string collection = SharedData.Require("data/splade-toy/full_collection_raw.tsv");
        string vocab = SharedData.Require("data/bert-base-uncased/vocab.txt");
        using var dir = new TempDirectory();
        var ids = new List<string>();
        for (int part = 0; part < 3; part++)
        {
            var (code, _, error) = CliRunner.Run("encode", "--model", "bm25", "--vocab", vocab, "--input", collection, "--output", dir.File($"part{part}.jsonl"), "--shard", $"{part}/3");
            Assert.True(code == 0, error);
            ids.AddRange(File.ReadLines(dir.File($"part{part}.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!));
        }
        Assert.Equal(89, ids.Count);
        Assert.Equal(89, ids.Distinct().Count());
    }

    [Fact]
    public void Model_directories_with_problems_get_clear_errors()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("texts.tsv"), "1\thello\n");
        var (code, _, error) = CliRunner.Run("encode", "--model", dir.File("missing"), "--input", dir.File("texts.tsv"), "--output", dir.File("out.jsonl"));
        Assert.Equal(1, code);
        Assert.Contains("model directory not found", error);

        Directory.CreateDirectory(dir.File("pickle"));
        File.WriteAllText(dir.File("pickle/config.json"), """{"model_type": "bert", "vocab_size": 3, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8}""");
        File.WriteAllText(dir.File("pickle/pytorch_model.bin"), "not really");
        (code, _, error) = CliRunner.Run("encode", "--model", dir.File("pickle"), "--input", dir.File("texts.tsv"), "--output", dir.File("out.jsonl"));
        Assert.Equal(1, code);
        Assert.Contains("convert it to model.safetensors", error);
        Assert.False(File.Exists(dir.File("out.jsonl")));
    }
}
