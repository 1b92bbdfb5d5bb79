using System.Text;
using System.Text.Json;
using CsCheck;
using SpladeFast.Encoders.Splade;
using SpladeFast.Model.Encoding;
using SpladeFast.Onnx;
using SpladeFast.Tests.Support;
using static TorchSharp.torch;

namespace SpladeFast.Tests.Model;

[Collection("Torch")]
public class OnnxBackendTests
{
    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void A_graph_outside_the_contract_is_refused_listing_its_inputs_and_outputs()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        string model = CopyModel(source, dir.File("renamed"));
        // Same length, so the protobuf stays valid: the graph now asks for an input the backend cannot feed.
        var bytes = File.ReadAllBytes(Path.Combine(source, "onnx", "model.onnx"));
        File.WriteAllBytes(Path.Combine(model, "onnx", "model.onnx"), Replace(bytes, "attention_mask", "attention_mast"));
        var error = Assert.Throws<InvalidDataException>(() => Backends.Load(model, "onnx").Dispose());
        Assert.Contains("model.onnx: it has no input attention_mask.", error.Message);
        Assert.Matches(@"this graph has inputs input_ids \(int64 \[[^\]]+\]\), attention_mast \(int64 \[[^\]]+\]\), token_type_ids \(int64 \[[^\]]+\]\) and outputs logits \(float \[[^,\]]+, [^,\]]+, 30522\]\)", error.Message);
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Auto_picks_onnx_where_the_directory_has_a_graph_and_torch_elsewhere()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-distilbert-mlm");
        using var dir = new TempDirectory();
        Assert.Equal("onnx", EncoderBackends.Resolve("auto", source));
        string flat = CopyModel(source, dir.File("flat"), onnx: false);
        Assert.Equal("torch", EncoderBackends.Resolve("auto", flat));
        File.Copy(Path.Combine(source, "onnx", "model.onnx"), Path.Combine(flat, "model.onnx"));
        Assert.Equal("onnx", EncoderBackends.Resolve("auto", flat));
        using var encoder = Backends.Load(flat, "auto");
        Assert.Equal("onnx(model.onnx)", encoder.Backend.Name);
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Int8_without_a_quantized_graph_says_what_to_export_and_options_for_torch_only_are_refused()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        var missing = Assert.Throws<FileNotFoundException>(() => Backends.Load(source, "onnx", new BackendSettings { Quantize = "int8" }).Dispose());
        Assert.Contains("model_quantized.onnx", missing.Message);
        Assert.Contains("--device cuda", Assert.Throws<ArgumentException>(() => Backends.Load(source, "onnx", new BackendSettings { Device = "cuda" }).Dispose()).Message);
        Assert.Contains("onnx backend only", Assert.Throws<ArgumentException>(() => Backends.Load(source, "torch", new BackendSettings { Quantize = "int8" }).Dispose()).Message);
    }

    [Fact]
    public void Pooling_in_csharp_equals_the_tensor_pooling()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 6], Gen.Int[1, 40], Gen.Bool).SelectMany((batch, positions, vocabulary, max) =>
                Gen.Select(Gen.Float[-3f, 3f].Array[batch * positions * vocabulary], Gen.Int[1, positions].Array[batch], Gen.Const((max, batch, positions, vocabulary))))
            .Sample((logits, lengths, shape) =>
            {
                var pooling = shape.max ? Pooling.Max : Pooling.Sum;
                var weights = new float[shape.batch * shape.vocabulary];
                SpladePooling.Pool(logits, lengths, shape.positions, pooling, weights);
                using var scope = NewDisposeScope();
                var mask = tensor(Enumerable.Range(0, shape.batch * shape.positions).Select(i => i % shape.positions < lengths[i / shape.positions] ? 1L : 0L).ToArray(), [shape.batch, shape.positions]);
                var expected = TorchPooling.Pool(tensor(logits, [shape.batch, shape.positions, shape.vocabulary]), mask, pooling).data<float>().ToArray();
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - weights[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])), $"{pooling} weight {i}: {expected[i]} vs {weights[i]}");
            }, iter: 200);
    }

    private static string CopyModel(string source, string target, bool onnx = true)
    {
        Directory.CreateDirectory(Path.Combine(target, "onnx"));
        foreach (string file in new[] { "config.json", "vocab.txt", "model.safetensors" })
            File.Copy(Path.Combine(source, file), Path.Combine(target, file));
        if (onnx)
            File.Copy(Path.Combine(source, "onnx", "model.onnx"), Path.Combine(target, "onnx", "model.onnx"));
        return target;
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        byte[] pattern = Encoding.UTF8.GetBytes(from), replacement = Encoding.UTF8.GetBytes(to);
        var copy = bytes.ToArray();
        int found = 0;
        for (int i = copy.AsSpan().IndexOf(pattern); i >= 0; i = copy.AsSpan(i + 1).IndexOf(pattern) is var next and >= 0 ? i + 1 + next : -1)
        {
            replacement.CopyTo(copy, i);
            found++;
        }
        Assert.True(found > 0, $"'{from}' is not in the graph");
        return copy;
    }
}
