using System.Text.Json;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Splade;
using SpladeFast.Onnx.Export;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Model;

[Collection("Torch")]
public class EncoderParityTests
{
    private sealed record Expected(string Text, string Pooling, int[] InputIds, Dictionary<int, float> Vector);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static List<Expected> Cases(string directory) =>
        File.ReadLines(Path.Combine(directory, "expected.jsonl")).Select(l => JsonSerializer.Deserialize<Expected>(l, Json)!).ToList();

    [Trait("Category", "SharedData")]
    [SkippableTheory]
    [InlineData("tiny-bert-mlm", "torch")]
    [InlineData("tiny-distilbert-mlm", "torch")]
    [InlineData("tiny-bert-mlm", "onnx")]
    [InlineData("tiny-distilbert-mlm", "onnx")]
    [InlineData("tiny-bert-mlm", "onnx-exported")]
    [InlineData("tiny-distilbert-mlm", "onnx-exported")]
    public void Reproduces_reference_splade_vectors_for_max_and_sum_pooling(string checkpoint, string backend)
    {
        string fixture = SharedData.Require($"fixtures/encoders/{checkpoint}");
        var cases = Cases(fixture);
        using var dir = new TempDirectory();
        string directory = backend == "onnx-exported" ? Exported(fixture, dir) : fixture;
        using var encoder = Backends.Load(directory, backend == "onnx-exported" ? "onnx" : backend);
        foreach (var pooling in new[] { Pooling.Max, Pooling.Sum })
        {
            var subset = cases.Where(c => string.Equals(c.Pooling, pooling.ToString(), StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.NotEmpty(subset);
            foreach (var c in subset)
                Assert.Equal(c.InputIds, encoder.Tokenizer.Encode(c.Text, 512));
            // One padded batch and one text at a time must agree with the reference alike.
            foreach (int batch in new[] { 64, 1 })
            {
                var vectors = encoder.Encode(subset.Select(c => c.Text).ToList(), new EncodeOptions { Pooling = pooling, MaxLength = 512, BatchSize = batch });
                for (int i = 0; i < subset.Count; i++)
                {
                    var actual = vectors[i].Terms.Zip(vectors[i].Weights).ToDictionary(p => p.First, p => p.Second);
                    foreach (var (term, weight) in subset[i].Vector)
                        Assert.True(Math.Abs(actual.GetValueOrDefault(term) - weight) <= 1e-4, $"{checkpoint} {backend} {pooling} '{subset[i].Text}' term {term}: {weight} vs {actual.GetValueOrDefault(term)}");
                    foreach (var (term, weight) in actual)
                        Assert.True(subset[i].Vector.ContainsKey(term) || weight <= 1e-4, $"{checkpoint} {backend} {pooling} '{subset[i].Text}': extra term {term} = {weight}");
                }
            }
        }
    }

    [Trait("Category", "SharedData")]
    [SkippableTheory]
    [InlineData("tiny-bert-mlm", false)]
    [InlineData("tiny-distilbert-mlm", false)]
    [InlineData("tiny-bert-mlm", true)]
    [InlineData("tiny-distilbert-mlm", true)]
    public void Torch_and_onnx_agree_batched_and_single(string checkpoint, bool exported)
    {
        string directory = SharedData.Require($"fixtures/encoders/{checkpoint}");
        // The fixture's texts, plus long ones cut at the position table, so batches pad to very different lengths.
        var texts = Cases(directory).Select(c => c.Text).Distinct()
            .Append(string.Join(' ', Enumerable.Repeat("the quick brown fox jumps over the lazy dog", 40))).ToList();
        using var dir = new TempDirectory();
        using var torch = Backends.Load(directory, "torch");
        using var onnx = Backends.Load(exported ? Exported(directory, dir) : directory, "onnx");
        Assert.StartsWith("torch", torch.Backend.Name, StringComparison.Ordinal);
        Assert.StartsWith("onnx", onnx.Backend.Name, StringComparison.Ordinal);
        foreach (var pooling in new[] { Pooling.Max, Pooling.Sum })
        {
            var reference = torch.Encode(texts, new EncodeOptions { Pooling = pooling, MaxLength = 512, BatchSize = 1 });
            foreach (var (encoder, batch) in new[] { (torch, 16), (onnx, 16), (onnx, 1) })
            {
                var vectors = encoder.Encode(texts, new EncodeOptions { Pooling = pooling, MaxLength = 512, BatchSize = batch });
                for (int i = 0; i < texts.Count; i++)
                {
                    var expected = Dense(reference[i], torch.VocabularySize);
                    var actual = Dense(vectors[i], torch.VocabularySize);
                    for (int j = 0; j < expected.Length; j++)
                        Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-4, $"{checkpoint} {pooling} {encoder.Backend.Name} batch {batch} text {i} term {j}: {expected[j]} vs {actual[j]}");
                }
            }
        }
    }

    /// <summary>A copy of the fixture's checkpoint (no PyTorch export) with onnx/model.onnx written by <see cref="OnnxExporter"/>.</summary>
    private static string Exported(string fixture, TempDirectory dir)
    {
        string model = dir.File("exported");
        Directory.CreateDirectory(model);
        foreach (string file in new[] { "config.json", "vocab.txt", "model.safetensors" })
            File.Copy(Path.Combine(fixture, file), Path.Combine(model, file));
        var report = OnnxExporter.Export(model, Path.Combine(model, "onnx", "model.onnx"));
        Assert.Equal(new FileInfo(report.Path).Length, report.Bytes);
        return model;
    }

    private static float[] Dense(SparseTermVector vector, int vocabulary)
    {
        var dense = new float[vocabulary];
        for (int i = 0; i < vector.Terms.Length; i++)
            dense[vector.Terms[i]] = vector.Weights[i];
        return dense;
    }
}
