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
    [SkippableTheory]
    [InlineData("onnx")]
    [InlineData("torch")]
    public void A_tokenizer_of_another_vocabulary_is_refused(string backend)
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        string model = CopyModel(source, dir.File("short-vocabulary"));
        File.WriteAllLines(Path.Combine(model, "vocab.txt"), File.ReadLines(Path.Combine(source, "vocab.txt")).Take(30_000));
        var error = Assert.Throws<InvalidDataException>(() => Backends.Load(model, backend).Dispose());
        Assert.StartsWith($"{model}: the tokenizer has 30000 tokens, the model's vocabulary 30522 ({backend}", error.Message, StringComparison.Ordinal);
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
    public void Options_for_the_other_backend_are_refused()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        Assert.Contains("--device cuda", Assert.Throws<ArgumentException>(() => Backends.Load(source, "onnx", new BackendSettings { Device = "cuda" }).Dispose()).Message);
        Assert.Contains("onnx backend only", Assert.Throws<ArgumentException>(() => Backends.Load(source, "torch", new BackendSettings { Quantize = "int8" }).Dispose()).Message);
    }

    [Trait("Category", "SharedData")]
    [SkippableTheory]
    [InlineData("tiny-bert-mlm")]
    [InlineData("tiny-distilbert-mlm")]
    public void Int8_quantizes_every_matmul_weight_within_half_a_step_and_keeps_the_vectors_close(string checkpoint)
    {
        string directory = SharedData.Require($"fixtures/encoders/{checkpoint}");
        using var full = Backends.Load(directory, "onnx");
        using var int8 = Backends.Load(directory, "onnx", new BackendSettings { Quantize = "int8" });
        var report = ((OnnxBackend)int8.Backend).Quantization!;
        Assert.Contains($", int8 at load: {report.MatMuls} MatMuls, largest weight change ", int8.Backend.Name, StringComparison.Ordinal);
        // Two layers of query, key, value, output, two feed-forward MatMuls, the head's transform and its projection.
        Assert.True(report.MatMuls >= 2 * 6 + 1, $"{report.MatMuls} MatMuls quantized");
        Assert.True(report.LargestWeightDifference > 0 && report.LargestWeightDifference <= 0.5 * LargestAbsoluteWeight(directory) / 127 * 1.0001,
            $"largest weight difference {report.LargestWeightDifference}");
        var texts = File.ReadLines(Path.Combine(directory, "expected.jsonl")).Take(20).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
        var options = new EncodeOptions { MaxLength = 128 };
        var expected = full.Encode(texts, options);
        var actual = int8.Encode(texts, options);
        for (int i = 0; i < texts.Count; i++)
        {
            var a = expected[i].Terms.Zip(expected[i].Weights).ToDictionary(p => p.First, p => (double)p.Second);
            var b = actual[i].Terms.Zip(actual[i].Weights).ToDictionary(p => p.First, p => (double)p.Second);
            double dot = a.Sum(p => p.Value * b.GetValueOrDefault(p.Key));
            double cosine = dot / Math.Sqrt(a.Values.Sum(v => v * v) * b.Values.Sum(v => v * v));
            Assert.True(cosine > 0.98, $"text {i}: cosine {cosine} between the fp32 and int8 vectors");
        }
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Int8_runs_an_exported_quantized_graph_when_the_directory_has_one()
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        string model = CopyModel(source, dir.File("exported"));
        var (quantized, _) = SpladeFast.Onnx.Quantization.Int8Quantizer.Quantize(File.ReadAllBytes(Path.Combine(source, "onnx", "model.onnx")), "model.onnx");
        File.WriteAllBytes(Path.Combine(model, "onnx", "model_qint8_avx512_vnni.onnx"), quantized);
        using var encoder = Backends.Load(model, "onnx", new BackendSettings { Quantize = "int8" });
        Assert.Equal($"onnx({Path.Combine("onnx", "model_qint8_avx512_vnni.onnx")})", encoder.Backend.Name);
        Assert.Null(((OnnxBackend)encoder.Backend).Quantization);
        Assert.NotEmpty(encoder.Encode(["a quantized graph"], new EncodeOptions())[0].Terms);
    }

    /// <summary>The largest |w| of the checkpoint's weights (the quantized MatMul weights are among them).</summary>
    private static double LargestAbsoluteWeight(string directory)
    {
        using var scope = NewDisposeScope();
        return SpladeFast.Model.Checkpoints.SafeTensors.Read(Path.Combine(directory, "model.safetensors")).Values.Max(t => t.abs().max().item<float>());
    }

    [Fact]
    public void Max_terms_keeps_the_heaviest_terms_ties_by_lower_term_as_a_full_sort_does()
    {
        Gen.Select(Gen.Int[0, 8].Select(w => w / 4f).Array[1, 300], Gen.Int[1, 40], Gen.Int[0, 3].Select(m => m / 4f))
            .Sample((dense, maxTerms, minWeight) =>
            {
                var options = new EncodeOptions { MaxTerms = maxTerms, MinWeight = minWeight };
                var actual = SpladeEncoder.Sparsify(dense, options);
                var expected = Enumerable.Range(0, dense.Length).Where(t => dense[t] > minWeight)
                    .OrderByDescending(t => dense[t]).ThenBy(t => t).Take(maxTerms).Order().ToArray();
                Assert.Equal(expected, actual.Terms);
                Assert.Equal(expected.Select(t => dense[t]), actual.Weights);
            });
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
