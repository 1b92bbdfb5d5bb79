using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using SpladeFast.Algorithms;
using SpladeFast.Cluster.Gateway;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Live;
using SpladeFast.Server;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cluster;

/// <summary>
/// Live shards in a TestingHost cluster: the 4 file shards of <see cref="ClusterCollection"/> with 2 replicas, plus
/// live index directories live-a (on silo 0) and live-b (on silo 1). Writes go through the gateway's
/// <see cref="LiveShardWriter"/>; answers equal a brute-force search over the file shards' documents and a model of
/// the live documents, ties included (file shards' order, then live-a's insertion order, then live-b's). With
/// live-b's silo killed, writes routed to it are refused with 503 and nothing of their batch is written, and
/// answers name live-b missing.
/// </summary>
[Collection("Console")]
public sealed class LiveShardClusterTests
{
    private static readonly string[] LiveNames = ["live-a", "live-b"];

    [Fact]
    public async Task Live_shards_take_writes_through_the_gateway_and_answer_exactly()
    {
        using var data = ClusterCollection.Build(documents: 1200, queries: 8);
        var settings = new LiveSettings { FlushDocuments = 40, RangeSize = 8 };
        foreach (string name in LiveNames)
            LiveIndex.Create(data.Dir.File(name), settings);
        await using var silos = await TestSilos.StartAsync(data, silo => silo < LiveNames.Length ? [data.Dir.File(LiveNames[silo])] : []);
        await using var gateway = await ClusterGateway.ConnectAsync(silos.Cluster.Client, new ClusterConfig { RefreshSeconds = 0.5 }, TimeSpan.FromSeconds(30));
        Assert.Equal(ClusterCollection.ShardCount + LiveNames.Length, gateway.Current.Shards.Count);
        var writer = new LiveShardWriter(gateway);
        var model = new LiveModel();
        var random = new Random(11);
        // The file shards' frequent tokens, and new ones only live documents have (the live vocabularies grow).
        var queries = data.Queries.Concat(Enumerable.Range(0, 6).Select(i => new[] { $"w{i}", $"fresh{i}" })).ToList();

        for (int batch = 0; batch < 6; batch++)
        {
            var documents = new List<TestDocument>();
            var ids = new HashSet<string>();
            while (documents.Count < 40)
            {
                string id = model.Count > 0 && random.Next(5) == 0 ? model.RandomId(random) : $"live{model.NextNumber++}";
                if (ids.Add(id))
                    documents.Add(RandomDocument(id, random));
            }
            int replaced = documents.Count(d => model.Contains(d.Id));
            var added = writer.Add(Lines(documents));
            Assert.Equal((documents.Count, replaced), (added.Added, added.Replaced));
            Assert.Equal(documents.Count, added.Shards!.Sum(s => s.Added));
            model.Add(documents);
            for (int d = 0; d < 4 && batch % 2 == 1; d++)
            {
                string id = model.RandomId(random);
                Assert.Equal(1, writer.Delete(id).Deleted);
                model.Delete(id);
            }
            Assert.Equal(0, writer.Delete("never-added").Deleted);
            // Visible when acknowledged: the very next query sees every write, new tokens included.
            int[] depths = batch == 5 ? [1, 10, 1000] : [10];
            var algorithms = batch == 5 ? SearchAlgorithms.All : [SearchAlgorithms.Get("maxscore"), SearchAlgorithms.Get("bmp")];
            foreach (int k in depths)
            {
                foreach (var tokens in queries)
                {
                    var expected = Expected(data, model, tokens, k, missing: []);
                    foreach (var algorithm in algorithms)
                    {
                        var snapshot = gateway.Current;
                        var answer = snapshot.Search(ClusterCollection.Query(snapshot.Vocabulary, tokens), k, algorithm, storedSources: false);
                        Assert.Empty(answer.MissingShards);
                        Assert.Equal(expected, answer.Hits.Select(h => (h.Id, h.Score)).ToList());
                    }
                }
            }
        }
        Assert.Equal(1200 + model.Count, gateway.Current.Documents);
        Assert.Contains(model.Live, d => Shard(d.Id) == 0);
        Assert.Contains(model.Live, d => Shard(d.Id) == 1);

        // A bad document fails its batch at the gateway: nothing of it is written.
        string goodId = $"live{model.NextNumber++}";
        var bad = Assert.Throws<BadRequestException>(() => writer.Add([.. Lines([RandomDocument(goodId, random)]), "{\"id\": \"x\", \"vector\": {\"w1\": -1}}"u8.ToArray()]));
        Assert.Equal(400, bad.StatusCode);
        Assert.StartsWith("document 2:", bad.Message, StringComparison.Ordinal);

        // Through the HTTP service as `serve --cluster` wires it: a document with a token no shard had is found by
        // the next request (the gateway read the new token before acknowledging; the service took the new snapshot).
        using (var service = new SearchService(() => gateway.Current, null, new SearchServiceOptions(), writer))
        {
            gateway.ShardsChanged += () => service.Reload();
            string id = $"live{model.NextNumber++}";
            var document = JsonDocument.Parse($$$"""{"id": "{{{id}}}", "title": "t", "vector": {"brandnew": 1.5, "w3": 0.5}}""").RootElement;
            Assert.Equal(1, service.AddDocuments(new AddDocumentsRequest { Documents = [document] }).Added);
            model.Add([new TestDocument(id, [("brandnew", 1.5), ("w3", 0.5)])]);
            var found = service.Search(new SearchRequest { Vector = new() { ["brandnew"] = 1 } });
            Assert.False(found.Partial);
            Assert.Equal(id, Assert.Single(found.Hits).Id);
            Assert.Equal(1.5, found.Hits[0].Score, 6);
            Assert.Equal(1, service.DeleteDocument(id).Deleted);
            model.Delete(id);
            Assert.Empty(service.Search(new SearchRequest { Vector = new() { ["brandnew"] = 1 } }).Hits);
        }

        // live-b's silo dies: writes routed to it are refused, a batch needing it writes nothing anywhere, and
        // live-a still takes writes.
        await silos.Cluster.KillSiloAsync(silos.Handles()[1]);
        string toA = NewId(model, 0), toB = NewId(model, 1), alsoToA = NewId(model, 0);
        var refused = Assert.Throws<BadRequestException>(() => writer.Add(Lines([Document(toB, "fresh0")])));
        Assert.Equal(503, refused.StatusCode);
        Assert.Contains("live-b", refused.Message, StringComparison.Ordinal);
        var mixed = Assert.Throws<BadRequestException>(() => writer.Add(Lines([Document(alsoToA, "solo"), Document(toB, "solo")])));
        Assert.Equal(503, mixed.StatusCode);
        Assert.Equal(503, Assert.Throws<BadRequestException>(() => writer.Delete(model.Live.First(d => Shard(d.Id) == 1).Id)).StatusCode);
        var single = Document(toA, "fresh1");
        Assert.Equal(1, writer.Add(Lines([single])).Added);
        model.Add([single]);

        // Answers: the file shards (each has a replica left) and live-a, live-b named missing; "solo" nowhere.
        foreach (var tokens in queries.Append(["solo"]))
        {
            var snapshot = gateway.Current;
            var answer = await Task.Run(() => snapshot.Search(ClusterCollection.Query(snapshot.Vocabulary, tokens), 10, SearchAlgorithms.Get("block_max_wand"), storedSources: false));
            Assert.Equal(new[] { "live-b" }, answer.MissingShards);
            Assert.Equal(Expected(data, model, tokens, 10, missing: [1]), answer.Hits.Select(h => (h.Id, h.Score)).ToList());
        }
    }

    /// <summary>
    /// The exact top k: the file shards' (one index over their documents) merged with a brute-force search of the
    /// live documents of the live shards not <paramref name="missing"/>; ties by file order, then live shard, then insertion.
    /// </summary>
    private static List<(string Id, long Score)> Expected(ClusterCollection data, LiveModel model, string[] tokens, int k, int[] missing)
    {
        var files = ClusterCollection.Expected([data.Whole], tokens, k).Select((h, i) => (h.Id, h.Score, Order: (ulong)i));
        var live = model.Live.Where(d => !missing.Contains(Shard(d.Id)))
            .Select(d => (d.Id, Score: Score(d, tokens), Order: ((ulong)(Shard(d.Id) + 1) << 32) | d.Sequence))
            .Where(d => d.Score > 0);
        return [.. files.Concat(live).OrderByDescending(h => h.Score).ThenBy(h => h.Order).Take(k).Select(h => (h.Id, h.Score))];
    }

    /// <summary>Weight 1 per query token (x 100), impact round(weight x 100).</summary>
    private static long Score(LiveModel.Document document, string[] tokens) =>
        document.Vector.Where(v => tokens.Contains(v.Token)).Sum(v => 100L * (long)Math.Round(v.Weight * 100));

    /// <summary>The live shard (index in name order) a document id goes to, as the writer routes it.</summary>
    private static int Shard(string id) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(id)) % (uint)LiveNames.Length);

    private static string NewId(LiveModel model, int shard)
    {
        while (true)
        {
            string id = $"live{model.NextNumber++}";
            if (Shard(id) == shard)
                return id;
        }
    }

    private static TestDocument RandomDocument(string id, Random random)
    {
        double[] weights = [0.5, 1.0, 2.0];
        var tokens = Enumerable.Range(0, random.Next(1, 7))
            .Select(_ => random.Next(10) switch { < 6 => $"w{random.Next(12)}", < 8 => $"w{12 + random.Next(300)}", _ => $"fresh{random.Next(8)}" })
            .Distinct();
        return new TestDocument(id, [.. tokens.Select(t => (t, weights[random.Next(weights.Length)]))]);
    }

    private static TestDocument Document(string id, string token) => new(id, [(token, 2.0), ("w1", 0.5)]);

    private static List<byte[]> Lines(IEnumerable<TestDocument> documents)
    {
        using var dir = new TempDirectory();
        return [.. File.ReadAllLines(TestIndex.WriteJsonl(dir.File("docs.jsonl"), documents)).Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>The live documents in insertion order: an id added again is replaced (a new sequence number).</summary>
    private sealed class LiveModel
    {
        public sealed record Document(string Id, IReadOnlyList<(string Token, double Weight)> Vector, uint Sequence);

        private readonly Dictionary<string, Document> _live = new(StringComparer.Ordinal);
        private readonly uint[] _next = new uint[LiveNames.Length];

        public int NextNumber { get; set; }
        public int Count => _live.Count;
        public IEnumerable<Document> Live => _live.Values;

        public bool Contains(string id) => _live.ContainsKey(id);

        public string RandomId(Random random) => _live.Keys.ElementAt(random.Next(_live.Count));

        /// <summary>Sequence numbers per shard as its live index gives them: one per document added and per id deleted.</summary>
        public void Add(IEnumerable<TestDocument> documents)
        {
            foreach (var document in documents)
                _live[document.Id] = new Document(document.Id, document.Vector, _next[Shard(document.Id)]++);
        }

        public void Delete(string id)
        {
            _live.Remove(id);
            _next[Shard(id)]++;
        }
    }
}
