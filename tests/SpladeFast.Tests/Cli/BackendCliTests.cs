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
}
