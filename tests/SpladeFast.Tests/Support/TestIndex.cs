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

    /// <summary>
    /// <paramref name="documents"/> indexed as a version 2 writer left them: the bmp data in the version 2 layout
    /// (RangeForward, RangeBounds), the header stamped version 2. Returns the file's path.
    /// </summary>
    public static string BuildVersion2(TempDirectory dir, IEnumerable<TestDocument> documents, int rangeSize, string name = "v2.sfi")
    {
        string docs = WriteJsonl(dir.File(name + ".jsonl"), documents);
        string index = dir.File(name);
        using (var contents = new IndexBuilder(new IndexBuildOptions { Inputs = [docs], RangeSize = rangeSize }).Read(index))
            IndexComposer.WriteVersion2Bmp(index, contents);
        return index;
    }

    /// <summary>A synthetic collection written to <paramref name="dir"/> and indexed over its vocabulary.</summary>
    public static (SparseIndex Index, SpladeFast.Synthetic.SynthReport Collection) BuildSynthetic(TempDirectory dir, int documents, int queries, int seed, string name = "synth.sfi")
    {
        var collection = SyntheticCollections.Get(documents, queries, seed);
        new IndexBuilder(new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary }).Build(dir.File(name));
        return (SparseIndex.Open(dir.File(name)), collection);
    }

    /// <summary>A copy of <paramref name="source"/> with its documents in a random physical order, as a reordering leaves them.</summary>
    public static SparseIndex Shuffled(TempDirectory dir, SparseIndex source, int seed, string name = "shuffled.sfi")
    {
        var order = Enumerable.Range(0, source.DocumentCount).ToArray();
        new Random(seed).Shuffle(order);
        SpladeFast.Rewrite.IndexRewriter.Write(DocumentContents.FromIndex(source) with { Order = order }, dir.File(name));
        return SparseIndex.Open(dir.File(name));
    }

    /// <summary>Same document ids in the same order, and the same terms and impacts per document.</summary>
    public static void AssertSameDocuments(SparseIndex expected, SparseIndex actual)
    {
        Assert.Equal(Enumerable.Range(0, expected.DocumentCount).Select(d => expected.DocumentId((uint)d)), Enumerable.Range(0, actual.DocumentCount).Select(d => actual.DocumentId((uint)d)));
        var a = ForwardLists.FromIndex(expected);
        var b = ForwardLists.FromIndex(actual);
        Assert.Equal(a.Starts, b.Starts);
        Assert.Equal(a.Terms, b.Terms);
        Assert.Equal(a.Impacts, b.Impacts);
    }
}
