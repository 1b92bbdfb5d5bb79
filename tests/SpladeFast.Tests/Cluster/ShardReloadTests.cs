using System.Text.Json.Nodes;
using SpladeFast.Algorithms;
using SpladeFast.Cluster.Gateway;
using SpladeFast.Cluster.Grains;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Index;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cluster;

/// <summary>
/// Replacing a shard file under a running silo (build elsewhere, rename over the old file, reload): the silo serves
/// the new version, the gateway moves to it once no replica serves the old one, and no answer mixes versions.
/// </summary>
[Collection("Console")]
public sealed class ShardReloadTests
{
    private const string Shard0 = "shard-0.sfi";

    [Fact]
    public void A_catalog_reloads_replaced_added_and_removed_files_and_refuses_queries_for_an_old_version()
    {
        using var data = ClusterCollection.Build(documents: 600, queries: 4);
        using var dir = new TempDirectory();
        string silo = dir.File("silo");
        Directory.CreateDirectory(silo);
        File.Copy(data.Shard(0), Path.Combine(silo, Shard0));
        using var catalog = ShardCatalog.Open("s", [silo]);
        ulong v1 = catalog.Describe().Single().Checksum;
        Assert.False(catalog.Reload().Changed);

        string v2Path = BuildFreshShard0(data);
        Replace(v2Path, Path.Combine(silo, Shard0));
        File.Copy(data.Shard(1), Path.Combine(silo, "shard-1.sfi"));
        var result = catalog.Reload();
        Assert.Equal([Shard0], result.Replaced);
        Assert.Equal(["shard-1.sfi"], result.Added);
        Assert.Empty(result.Failed);
        ulong v2 = catalog.Describe().Single(d => d.Name == Shard0).Checksum;
        Assert.NotEqual(v1, v2);

        // A query mapped for the old version is refused, never answered with the new file's postings.
        var refused = Assert.Throws<KeyNotFoundException>(() => catalog.Search(Shard0, Query(catalog, Shard0, v1, "fresh")));
        Assert.Contains("the file was replaced", refused.Message);
        Assert.Throws<KeyNotFoundException>(() => catalog.Tokens(Shard0, v1, 0));
        var answer = catalog.Search(Shard0, Query(catalog, Shard0, v2, "fresh"));
        using (var fresh = SparseIndex.Open(v2Path))
            Assert.Equal(fresh.DocumentCount, answer.Ids.Length); // every document of the new version has the new term

        // A damaged replacement is not served: the version before stays.
        byte[] damaged = File.ReadAllBytes(data.Shard(0));
        damaged[damaged.Length / 2] ^= 0x5a;
        Replace(Write(dir.File("damaged.sfi"), damaged), Path.Combine(silo, Shard0));
        result = catalog.Reload();
        Assert.False(result.Changed);
        Assert.Contains(result.Failed, f => f.Path.EndsWith(Shard0, StringComparison.Ordinal));
        Assert.Equal(v2, catalog.Describe().Single(d => d.Name == Shard0).Checksum);

        File.Delete(Path.Combine(silo, "shard-1.sfi"));
        Assert.Equal(["shard-1.sfi"], catalog.Reload().Removed);
        Assert.Throws<KeyNotFoundException>(() => catalog.Tokens("shard-1.sfi", 0, 0));
    }

    [Fact]
    public async Task A_cluster_serves_a_replaced_shard_once_every_replica_has_it_and_never_mixes_versions()
    {
        using var data = ClusterCollection.Build();
        await using var silos = await TestSilos.StartAsync(data);
        var catalogs = silos.Catalogs;
        var cluster = silos.Cluster;
        await using var gateway = await ClusterGateway.ConnectAsync(cluster.Client, new ClusterConfig { RefreshSeconds = 60 }, TimeSpan.FromSeconds(30));
        var before = gateway.Current;
        var v1 = Enumerable.Range(0, ClusterCollection.ShardCount).Select(data.Shard).ToList();
        string[][] queries = [.. data.Queries.Take(4), ["fresh"], ["fresh", "w1"]];
        await CheckAll(before, v1, queries);

        string v2Path = BuildFreshShard0(data);
        var v2 = v1.Select((path, part) => part == 0 ? v2Path : path).ToList();
        var holders = Enumerable.Range(0, ClusterCollection.SiloCount).Where(s => data.ShardsOf(s).Contains(0)).ToList();
        Assert.Equal(2, holders.Count);
        // Rolling replacement: while one replica still has the old version, the gateway keeps serving it.
        Replace(v2Path, Path.Combine(data.SiloDirectory(holders[0]), Shard0));
        Assert.Equal([Shard0], catalogs[holders[0]].Reload().Replaced);
        await gateway.RefreshAsync();
        Assert.Same(before, gateway.Current);
        await CheckAll(gateway.Current, v1, queries);

        Replace(v2Path, Path.Combine(data.SiloDirectory(holders[1]), Shard0));
        Assert.Equal([Shard0], catalogs[holders[1]].Reload().Replaced);
        await gateway.RefreshAsync();
        Assert.NotSame(before, gateway.Current);
        Assert.True(gateway.Current.Vocabulary.TryGetId("fresh", out _));
        await CheckAll(gateway.Current, v2, queries);

        // A query still mapped with the old snapshot's term ids finds no replica of that version: flagged, not wrong.
        var stale = await Task.Run(() => before.Search(ClusterCollection.Query(before.Vocabulary, queries[0]), 10, SearchAlgorithms.Get("maxscore"), storedSources: false));
        Assert.Equal([Shard0], stale.MissingShards);
        Assert.Equal(ClusterCollection.Expected(v1.Skip(1).ToList(), queries[0], 10), stale.Hits.Select(h => (h.Id, h.Score)).ToList());
    }

    private static async Task CheckAll(ClusterSnapshot snapshot, IReadOnlyList<string> shards, string[][] queries)
    {
        foreach (var tokens in queries)
        {
            var expected = ClusterCollection.Expected(shards, tokens, 10);
            var answer = await Task.Run(() => snapshot.Search(ClusterCollection.Query(snapshot.Vocabulary, tokens), 10, SearchAlgorithms.Get("block_max_wand"), storedSources: false));
            Assert.Empty(answer.MissingShards);
            Assert.Equal(expected, answer.Hits.Select(h => (h.Id, h.Score)).ToList());
        }
    }

    /// <summary>Shard 0 again, from the same documents each with a new term "fresh" (weight 2): a new version.</summary>
    private static string BuildFreshShard0(ClusterCollection data)
    {
        string input = data.Dir.File("docs-fresh.jsonl");
        File.WriteAllLines(input, File.ReadLines(data.Dir.File("docs.jsonl")).Select(line =>
        {
            var document = JsonNode.Parse(line)!;
            document["vector"]!["fresh"] = 2.0;
            return document.ToJsonString();
        }));
        string output = data.Dir.File("shard-0-fresh.sfi");
        var (code, _, error) = CliRunner.Run("index", "--input", input, "--output", output, "--shard", "0/4", "--bmp", "--bmp-range", "8");
        Assert.True(code == 0, error);
        return output;
    }

    /// <summary>As a deployment replaces a file: copy beside it under a temporary name, then rename over it.</summary>
    private static void Replace(string source, string target)
    {
        string temporary = target + ".incoming";
        File.Copy(source, temporary, overwrite: true);
        File.SetLastWriteTimeUtc(temporary, DateTime.UtcNow.AddSeconds(1)); // a copy within the old file's clock tick still differs
        File.Move(temporary, target, overwrite: true);
    }

    private static string Write(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static ShardQuery Query(ShardCatalog catalog, string shard, ulong checksum, string token)
    {
        var tokens = catalog.Tokens(shard, catalog.Describe().Single(d => d.Name == shard).Checksum, 0);
        int id = Array.IndexOf(tokens, token);
        return new ShardQuery("q", id >= 0 ? [id] : [], id >= 0 ? [100u] : [], 1000, "maxscore", 0, false, checksum);
    }
}
