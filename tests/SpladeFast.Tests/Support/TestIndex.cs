using System.Globalization;
using System.Text;
using System.Text.Json;
using SpladeFast.Build;
using SpladeFast.Index;

namespace SpladeFast.Tests.Support;

/// <summary>A document as tests describe it: id and token weights.</summary>
public sealed record TestDocument(string Id, IReadOnlyList<(string Token, double Weight)> Vector);

public static class TestIndex
{
    public static string WriteJsonl(string path, IEnumerable<TestDocument> documents)
    {
        var text = new StringBuilder();
        foreach (var doc in documents)
        {
            text.Append("{\"id\": ").Append(JsonSerializer.Serialize(doc.Id)).Append(", \"contents\": \"ignored\", \"vector\": {");
            text.AppendJoin(", ", doc.Vector.Select(v => $"{JsonSerializer.Serialize(v.Token)}: {v.Weight.ToString("R", CultureInfo.InvariantCulture)}"));
            text.Append("}}\n");
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    public static SparseIndex Build(TempDirectory dir, IEnumerable<TestDocument> documents, string? vocabulary = null,
        int quantBits = 0, IndexStorageKind storage = IndexStorageKind.MemoryMapped, string name = "index.sfi", int rangeSize = 8)
    {
        string docs = WriteJsonl(dir.File(name + ".jsonl"), documents);
        string index = dir.File(name);
        new IndexBuilder(new IndexBuildOptions { Inputs = [docs], VocabularyPath = vocabulary, QuantBits = quantBits, RangeSize = rangeSize }).Build(index);
        return SparseIndex.Open(index, storage);
    }
}
