using SpladeFast.Model.Checkpoints;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Model;

[Collection("Torch")]
public class CheckpointTests
{
    private static readonly string[] Texts = ["what is the capital of France?", "Androgen receptor defines two distinct signaling pathways in prostate cancer."];

    private static string CopyCheckpoint(TempDirectory dir, string source, string name, Action<Dictionary<string, TorchSharp.torch.Tensor>>? edit = null, string dtype = "F32", bool tokenizerJson = false)
    {
        string target = dir.File(name);
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(target, "config.json"));
        if (tokenizerJson)
            File.Copy(SharedData.Require("data/bert-base-uncased/tokenizer.json"), Path.Combine(target, "tokenizer.json"));
        else
            File.Copy(Path.Combine(source, "vocab.txt"), Path.Combine(target, "vocab.txt"));
        var tensors = SafeTensors.Read(Path.Combine(source, "model.safetensors"));
        edit?.Invoke(tensors);
        SafeTensors.Write(Path.Combine(target, "model.safetensors"), tensors, dtype);
        foreach (var t in tensors.Values)
            t.Dispose();
        return target;
    }

    private static Dictionary<int, float>[] Encode(string directory)
    {
        using var encoder = Backends.Load(directory, "torch");
        return encoder.Encode(Texts, new EncodeOptions()).Select(v => v.Terms.Zip(v.Weights).ToDictionary(p => p.First, p => p.Second)).ToArray();
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Half_precision_checkpoints_load_and_a_written_checkpoint_reloads_identically()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        var reference = Encode(source);
        Assert.Equal(reference, Encode(CopyCheckpoint(dir, source, "f32")));
        foreach (var dtype in new[] { "F16", "BF16" })
        {
            var half = Encode(CopyCheckpoint(dir, source, dtype, dtype: dtype));
            for (int i = 0; i < Texts.Length; i++)
            {
                var top = reference[i].OrderByDescending(p => p.Value).Take(10).ToList();
                foreach (var (term, weight) in top)
                    Assert.True(Math.Abs(half[i].GetValueOrDefault(term) - weight) < 0.05 * Math.Max(1, weight), $"{dtype} term {term}: {weight} vs {half[i].GetValueOrDefault(term)}");
            }
        }
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Tokenizer_json_replaces_vocab_txt_and_extras_are_ignored()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-distilbert-mlm");
        using var dir = new TempDirectory();
        string copy = CopyCheckpoint(dir, source, "json", t => t["pooler.dense.weight"] = TorchSharp.torch.zeros(2, 2), tokenizerJson: true);
        Assert.Equal(Encode(source), Encode(copy));
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void A_missing_tensor_is_named()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        string broken = CopyCheckpoint(dir, source, "broken", t => t.Remove("bert.encoder.layer.1.output.dense.weight"));
        var ex = Assert.Throws<InvalidDataException>(() => Backends.Load(broken, "torch").Dispose());
        Assert.Contains("missing required tensors: bert.encoder.layer.1.output.dense.weight", ex.Message);
    }

    [Fact]
    public void A_truncated_safetensors_file_is_reported()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("model.safetensors"), [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        Assert.Contains("not a safetensors file", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(dir.File("model.safetensors"))).Message);
    }
}
