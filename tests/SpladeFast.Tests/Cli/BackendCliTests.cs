using System.Text.Json;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

[Collection("Console")]
public class BackendCliTests
{
    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Encode_with_either_backend_writes_the_same_vectors()
    {
        string model = SharedData.Require("fixtures/encoders/tiny-distilbert-mlm");
        string collection = SharedData.Require("data/splade-toy/full_collection_raw.tsv");
        using var dir = new TempDirectory();
        var vectors = new Dictionary<string, List<Dictionary<string, double>>>();
        foreach (string backend in new[] { "torch", "onnx" })
        {
            var (code, output, error) = CliRunner.Run("encode", "--model", model, "--backend", backend, "--input", collection, "--output", dir.File($"{backend}.jsonl"), "--batch", "8");
            Assert.True(code == 0, error);
            Assert.Contains($"with splade:tiny-distilbert-mlm ({backend}", output);
            vectors[backend] = File.ReadLines(dir.File($"{backend}.jsonl")).Select(line =>
                JsonDocument.Parse(line).RootElement.GetProperty("vector").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())).ToList();
        }
        Assert.Equal(89, vectors["onnx"].Count);
        for (int i = 0; i < vectors["torch"].Count; i++)
        {
            foreach (string term in vectors["torch"][i].Keys.Union(vectors["onnx"][i].Keys))
                Assert.True(Math.Abs(vectors["torch"][i].GetValueOrDefault(term) - vectors["onnx"][i].GetValueOrDefault(term)) <= 1e-4, $"text {i} term {term}");
        }
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Convert_to_onnx_exports_a_checkpoint_that_auto_then_runs_on_onnx_and_refuses_a_broken_one_writing_nothing()
    {
        string fixture = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        string model = dir.File("trained");
        Directory.CreateDirectory(model);
        foreach (string file in new[] { "config.json", "vocab.txt", "model.safetensors" })
            File.Copy(Path.Combine(fixture, file), Path.Combine(model, file));
        var (code, output, error) = CliRunner.Run("convert", "--input", model, "--to", "onnx");
        Assert.True(code == 0, error);
        Assert.Contains($"exported Bert (2 layers, ", output);
        Assert.Contains($"-> {Path.Combine(model, "onnx", "model.onnx")}", output);
        (code, output, error) = CliRunner.Run("encode", "--model", model, "--backend", "auto", "--input", SharedData.Require("data/splade-toy/full_collection_raw.tsv"),
            "--output", dir.File("v.jsonl"), "--batch", "8");
        Assert.True(code == 0, error);
        Assert.Contains("with splade:trained (onnx(", output);
        Assert.Equal(89, File.ReadLines(dir.File("v.jsonl")).Count());

        // A checkpoint without the first layer's query bias: an error naming the tensor, and no graph left behind.
        string broken = dir.File("broken");
        Directory.CreateDirectory(broken);
        File.Copy(Path.Combine(fixture, "config.json"), Path.Combine(broken, "config.json"));
        var tensors = SpladeFast.Encoders.Splade.SafeTensorsFile.Read(Path.Combine(fixture, "model.safetensors"));
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            SpladeFast.Model.Checkpoints.SafeTensors.Write(Path.Combine(broken, "model.safetensors"), tensors
                .Where(t => t.Key != "bert.encoder.layer.0.attention.self.query.bias")
                .ToDictionary(t => t.Key, t => TorchSharp.torch.tensor(t.Value.Values, t.Value.Shape)));
        }
        (code, _, error) = CliRunner.Run("convert", "--input", broken, "--to", "onnx", "--output", dir.File("broken.onnx"));
        Assert.NotEqual(0, code);
        Assert.Contains("missing required tensor bert.encoder.layer.0.attention.self.query.bias", error);
        Assert.Empty(Directory.GetFiles(dir.Path, "broken.onnx*"));
    }
}
