using System.Text.Json;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

/// <summary>The model side of issue 15's cases: tokenization at the edges of Unicode, damaged model files.</summary>
[Collection("Console")]
public class ModelInputCliTests
{
    private static string Case(string @case, string file) => CaseFiles.Path("2026-11-30", @case, file);

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void A_mark_outside_the_basic_plane_is_stripped_like_any_other()
    {
        string vocab = SharedData.Require("data/bert-base-uncased/vocab.txt");
        using var dir = new TempDirectory();
        // "a" + U+10A01 KHAROSHTHI VOWEL SIGN I + "b".
        var (code, _, error) = CliRunner.Run("encode", "--model", "bm25", "--vocab", vocab, "--input", Case("normalizer-astral-mark", "supp-mark.jsonl"), "--output", dir.File("o.jsonl"));
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("o.jsonl")));
        Assert.Equal(["ab"], json.RootElement.GetProperty("vector").EnumerateObject().Select(p => p.Name));
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void A_model_whose_safetensors_header_is_not_json_fails_naming_the_file()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        string model = dir.File("DIR");
        Directory.CreateDirectory(model);
        foreach (string name in new[] { "config.json", "vocab.txt" })
            File.Copy(Path.Combine(source, name), Path.Combine(model, name));
        File.Copy(Case("errors-without-file", "model-header-not-json.safetensors"), Path.Combine(model, "model.safetensors"));
        File.WriteAllText(dir.File("texts.tsv"), "1\thello\n");
        var (code, _, error) = CliRunner.Run("encode", "--model", model, "--input", dir.File("texts.tsv"), "--output", dir.File("o.jsonl"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {Path.Combine(model, "model.safetensors")}: not a safetensors file (its header is not JSON: '0x00' is an invalid start of a value", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void A_checkpoint_with_nan_weights_fails_naming_the_tensor_and_writes_nothing()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        // Case nan-checkpoint: make_nan_checkpoint.py sets cls.predictions.bias to NaN; one element does the same harm.
        string model = Model.ModelFileErrorTests.CopyWithWeight(source, dir.File("ck-nan"), "cls.predictions.bias", 0, float.NaN);
        var (code, _, error) = CliRunner.Run("encode", "--model", model, "--input", Case("nan-checkpoint", "corpus.tsv"), "--output", dir.File("v.jsonl"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {Path.Combine(model, "model.safetensors")}: tensor cls.predictions.bias holds NaN at element 0:", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(dir.File("v.jsonl")));
    }
}
