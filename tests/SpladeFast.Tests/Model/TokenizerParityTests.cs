using System.Text.Json;
using SpladeFast.Encoders.Tokenization;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Model;

public class TokenizerParityTests
{
    [Trait("Category", "SharedData")]
    [SkippableTheory]
    [InlineData("wordpiece-ids.json", 512)]
    [InlineData("wordpiece-ids-max16.json", 16)]
    public void Matches_hugging_face_ids_exactly(string fixture, int maxLength)
    {
        var tokenizer = SpladeTokenizer.FromVocabulary(SharedData.Require("data/bert-base-uncased/vocab.txt"));
        var expected = JsonSerializer.Deserialize<Dictionary<string, int[]>>(File.ReadAllText(SharedData.Require($"fixtures/encoders/{fixture}")))!;
        Assert.NotEmpty(expected);
        foreach (var (text, ids) in expected)
            Assert.True(ids.SequenceEqual(tokenizer.Encode(text, maxLength)), $"{JsonSerializer.Serialize(text)}: expected [{string.Join(",", ids)}] got [{string.Join(",", tokenizer.Encode(text, maxLength))}]");
    }
}
