using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SpladeFast.Algorithms;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Cluster.Planning;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Shards;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cluster;

/// <summary>
/// A collection with many equal scores (few distinct weights over a small vocabulary, plus rarer terms), indexed
/// whole and as 4 round-robin shards by the CLI (<c>index --shard i/4 --bmp</c>, each shard with its own
/// vocabulary), and copied to 3 silo directories as <c>cluster plan --shards 4 --replicas 2</c> places them.
/// </summary>
internal sealed class ClusterCollection : IDisposable
{
    public const int ShardCount = 4;
    public const int SiloCount = 3;

    private ClusterCollection(TempDirectory dir, string[][] queries, ClusterPlan plan)
    {
        Dir = dir;
        Queries = queries;
        Plan = plan;
    }

    public TempDirectory Dir { get; }
    public string Whole => Dir.File("all.sfi");
    public string Shard(int part) => Dir.File($"shard-{part}.sfi");
    public static string ShardName(int part) => $"shard-{part}.sfi";
    public string SiloDirectory(int silo) => Dir.File($"silo-{silo}");
    public string[][] Queries { get; }
    public ClusterPlan Plan { get; }

    /// <summary>The shards a silo holds under the plan.</summary>
    public IEnumerable<int> ShardsOf(int silo) => Plan.Shards.Where(s => s.Silos.Contains(silo)).Select(s => s.Part.Part);

    public static ClusterCollection Build(int documents = 3000, int queries = 12, int seed = 17)
    {
        var dir = new TempDirectory();
        var random = new Random(seed);
        double[] weights = [0.5, 1.0, 2.0];
        var docs = Enumerable.Range(0, documents).Select(d => new TestDocument($"doc{d}",
            Enumerable.Range(0, random.Next(1, 9)).Select(_ => random.Next(10) < 8 ? random.Next(12) : 12 + random.Next(300)).Distinct()
                .Select(t => ($"w{t}", weights[random.Next(weights.Length)])).ToList())).ToList();
        string input = TestIndex.WriteJsonl(dir.File("docs.jsonl"), docs);
        Run("index", "--input", input, "--output", dir.File("all.sfi"));
        for (int part = 0; part < ShardCount; part++)
            Run("index", "--input", input, "--output", dir.File(ShardName(part)), "--shard", $"{part}/{ShardCount}", "--bmp", "--bmp-range", "8");
        var plan = ClusterPlan.Make(documents, ShardCount, replicas: 2, SiloCount);
        for (int silo = 0; silo < SiloCount; silo++)
        {
            Directory.CreateDirectory(dir.File($"silo-{silo}"));
            foreach (var shard in plan.Shards.Where(s => s.Silos.Contains(silo)))
                File.Copy(dir.File(ShardName(shard.Part.Part)), Path.Combine(dir.File($"silo-{silo}"), ShardName(shard.Part.Part)));
        }
        var tokens = Enumerable.Range(0, queries).Select(_ => Enumerable.Range(0, random.Next(1, 6))
            .Select(_ => random.Next(10) < 7 ? $"w{random.Next(12)}" : $"w{12 + random.Next(300)}").Distinct().ToArray()).ToArray();
        return new ClusterCollection(dir, tokens, plan);
    }

    /// <summary>The exact top k (ids and integer scores) over the given shard files, by a single process.</summary>
    public static List<(string Id, long Score)> Expected(IReadOnlyList<string> paths, string[] tokens, int k)
    {
        using var shards = ShardSet.Open(paths);
        var searcher = new ShardedSearcher(shards);
        return [.. searcher.Search(Query(shards.Vocabulary, tokens), k, SearchAlgorithms.Get("ranked_or")).ToArray().Select(h => (shards.DocumentId(h.DocId), h.Score))];
    }

    /// <summary>Weight 1 per token (quantized x 100), tokens the vocabulary lacks left out.</summary>
    public static QueryVector Query(Vocabulary vocabulary, string[] tokens) =>
        new("q", [.. tokens.Where(t => vocabulary.TryGetId(t, out _)).Select(t => new QueryTerm(vocabulary.TryGetId(t, out int id) ? id : -1, 100))]);

    public void Dispose() => Dir.Dispose();

    private static void Run(params string[] args)
    {
        var (code, _, error) = CliRunner.Run(args);
        Assert.True(code == 0, error);
    }
}

/// <summary>
/// An in-process TestingHost cluster of <see cref="ClusterCollection.SiloCount"/> silos, silo i serving
/// <see cref="ClusterCollection.SiloDirectory"/>(i) and the extra sources (live index directories) given for it.
/// </summary>
internal sealed class TestSilos : IAsyncDisposable
{
    private readonly Dictionary<string, int> _index = [];

    private TestSilos(ClusterCollection data, Func<int, string[]>? extra)
    {
        int next = 0;
        var builder = new InProcessTestClusterBuilder(ClusterCollection.SiloCount);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            int index;
            lock (_index)
                index = _index.TryGetValue(options.SiloName, out int known) ? known : _index[options.SiloName] = next++;
            ClusterHosting.AddShardServing(silo, new ClusterConfig { ProbeTimeoutSeconds = 1 });
            silo.Services.AddSingleton(_ => Catalogs.GetOrAdd(index, i => ShardCatalog.Open(options.SiloName, [data.SiloDirectory(i), .. extra?.Invoke(i) ?? []])));
        });
        Cluster = builder.Build();
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>Silo i's catalog, once the silo started.</summary>
    public ConcurrentDictionary<int, ShardCatalog> Catalogs { get; } = new();

    public static async Task<TestSilos> StartAsync(ClusterCollection data, Func<int, string[]>? extra = null)
    {
        var silos = new TestSilos(data, extra);
        await silos.Cluster.DeployAsync();
        return silos;
    }

    /// <summary>The silo serving <see cref="ClusterCollection.SiloDirectory"/>(i), by i.</summary>
    public Dictionary<int, InProcessSiloHandle> Handles()
    {
        lock (_index)
            return Cluster.Silos.ToDictionary(s => _index[s.Name]);
    }

    /// <summary>Stops the cluster, then closes every catalog, those of killed silos too (their live shards hold write locks).</summary>
    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var catalog in Catalogs.Values)
            catalog.Dispose();
    }
}
