using System.Text.Json;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

/// <summary>The model side of issue 15's cases: tokenization at the edges of Unicode, damaged model files.</summary>
[Collection("Console")]
public class ModelInputCliTests
{
    [SkippableFact]
    public void A_mark_outside_the_basic_plane_is_stripped_like_any_other()
    {
        string vocab = SharedData.Require("data/bert-base-uncased/vocab.txt");
        using var dir = new TempDirectory();
        // Case normalizer-astral-mark/supp-mark.jsonl: "a" + U+10A01 KHAROSHTHI VOWEL SIGN I + "b".
        File.WriteAllText(dir.File("supp-mark.jsonl"), """{"_id":"mark","text":"a\ud802\ude01b"}""" + "\n");
        var (code, _, error) = CliRunner.Run("encode", "--model", "bm25", "--vocab", vocab, "--input", dir.File("supp-mark.jsonl"), "--output", dir.File("o.jsonl"));
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("o.jsonl")));
        Assert.Equal(["ab"], json.RootElement.GetProperty("vector").EnumerateObject().Select(p => p.Name));
    }
}
