using System.Text.Json;
using SpladeFast.Model.Encoding;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Model;

[Collection("Torch")]
public class EncoderParityTests
{
    private sealed record Expected(string Text, string Pooling, int[] InputIds, Dictionary<int, float> Vector);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Trait("Category", "SharedData")]
    [SkippableTheory]
    [InlineData("tiny-bert-mlm")]
    [InlineData("tiny-distilbert-mlm")]
    public void Reproduces_reference_splade_vectors_for_max_and_sum_pooling(string checkpoint)
    {
        string directory = SharedData.Require($"fixtures/encoders/{checkpoint}");
        var cases = File.ReadLines(Path.Combine(directory, "expected.jsonl")).Select(l => JsonSerializer.Deserialize<Expected>(l, Json)!).ToList();
        using var encoder = SpladeEncoder.Load(directory);
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
                        Assert.True(Math.Abs(actual.GetValueOrDefault(term) - weight) <= 1e-4, $"{checkpoint} {pooling} '{subset[i].Text}' term {term}: {weight} vs {actual.GetValueOrDefault(term)}");
                    foreach (var (term, weight) in actual)
                        Assert.True(subset[i].Vector.ContainsKey(term) || weight <= 1e-4, $"{checkpoint} {pooling} '{subset[i].Text}': extra term {term} = {weight}");
                }
            }
        }
    }
}
