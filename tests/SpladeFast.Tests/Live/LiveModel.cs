using System.Text;
using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.Live;
using SpladeFast.Quantize;
using SpladeFast.TopK;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Live;

/// <summary>
/// What a live index should hold: its live documents in the order their last add was acknowledged. Answers are
/// computed by brute force over it, which is what an index built from scratch over those documents answers.
/// </summary>
public sealed class LiveModel
{
    private readonly List<TestDocument> _documents = [];

    public IReadOnlyList<TestDocument> Documents => _documents;

    public void Add(IEnumerable<TestDocument> documents)
    {
        foreach (var document in documents)
        {
            _documents.RemoveAll(d => d.Id == document.Id);
            _documents.Add(document);
        }
    }

    public void Delete(IEnumerable<string> ids)
    {
        foreach (string id in ids)
            _documents.RemoveAll(d => d.Id == id);
    }

    /// <summary>The expected hits as (id, score), best first, ties by insertion order.</summary>
    public (string Id, long Score)[] Search(QueryVector query, Vocabulary vocabulary, int k, double scale = 100) =>
        BruteForce.Search(_documents, token => vocabulary.TryGetId(token, out int id) ? id : -1, query, k, ImpactQuantizer.Fixed(scale))
            .Select(h => (_documents[(int)h.DocId].Id, h.Score)).ToArray();

    public static byte[] Line(TestDocument document)
    {
        string path = Path.GetTempFileName();
        try
        {
            TestIndex.WriteJsonl(path, [document]);
            return File.ReadAllBytes(path).AsSpan().TrimEnd((byte)'\n').ToArray();
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The live index's hits as (id, score).</summary>
    public static (string Id, long Score)[] Search(LiveSnapshot snapshot, QueryVector query, int k, ISearchAlgorithm algorithm)
    {
        var searcher = new LiveSearcher(snapshot);
        return searcher.Search(query, k, algorithm).ToArray().Select(h => (snapshot.DocumentId(h.DocId), h.Score)).ToArray();
    }

    /// <summary>A random query over the model's tokens, in the snapshot's term ids (tokens it lacks left out).</summary>
    public static QueryVector RandomQuery(Random random, IReadOnlyList<string> tokens, Vocabulary vocabulary)
    {
        var terms = new Dictionary<int, uint>();
        int count = random.Next(1, 5);
        for (int i = 0; i < count; i++)
        {
            if (vocabulary.TryGetId(tokens[random.Next(tokens.Count)], out int id))
                terms[id] = (uint)random.Next(1, 4);
        }
        return new QueryVector("q", terms.OrderBy(t => t.Key).Select(t => new QueryTerm(t.Key, t.Value)).ToArray());
    }

    public static TestDocument RandomDocument(Random random, string id, IReadOnlyList<string> tokens)
    {
        var vector = new Dictionary<string, double>();
        int count = random.Next(1, 6);
        for (int i = 0; i < count; i++)
            vector[tokens[random.Next(tokens.Count)]] = random.Next(4) == 0 ? 0.004 : Math.Round(random.Next(1, 40) * 0.05, 2);
        return new TestDocument(id, vector.Select(v => (v.Key, v.Value)).ToList());
    }

    public static string Describe((string Id, long Score)[] hits) => new StringBuilder().AppendJoin(", ", hits.Select(h => $"{h.Id}:{h.Score}")).ToString();
}
