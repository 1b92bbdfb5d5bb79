using SpladeFast.Cluster.Planning;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cluster;

[Collection("Console")]
public class ClusterCliTests
{
    [Fact]
    public void Plan_puts_every_shard_on_distinct_silos_and_counts_every_document_once()
    {
        var plan = ClusterPlan.Make(1003, shards: 4, replicas: 2, silos: 3);
        Assert.Equal(1003, plan.Shards.Sum(s => s.Documents));
        Assert.All(plan.Shards, s => Assert.Equal(2, s.Silos.Distinct().Count()));
        Assert.Equal([3, 3, 2], Enumerable.Range(0, 3).Select(silo => plan.Shards.Count(s => s.Silos.Contains(silo))));

        var (code, output, error) = CliRunner.Run("cluster", "plan", "--docs", "1003", "--shards", "4", "--replicas", "2", "--silos", "3", "--input", "docs.jsonl");
        Assert.True(code == 0, error);
        Assert.Contains("1,003 documents in 4 shards x 2 replicas on 3 silos", output);
        Assert.Contains("splade-fast index --input docs.jsonl --output shards/shard-3.sfi --shard 3/4", output);
        Assert.Contains("silo-2: serves 2 shards, 502 documents", output);
    }

    [Fact]
    public void Bad_plans_configs_and_missing_sources_get_clear_errors()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = CliRunner.Run("cluster", "plan", "--docs", "10", "--shards", "4", "--replicas", "3", "--silos", "2");
        Assert.Equal(1, code);
        Assert.Contains("3 replicas need at least 3 silos", error);

        File.WriteAllText(dir.File("bad.json"), "{\n  \"membership\": \"development\",\n  \"primary\": \"127.0.0.1:1\"\n}");
        (code, _, error) = CliRunner.Run("query", "--cluster", dir.File("bad.json"), "--queries", dir.File("q.tsv"));
        Assert.Equal(1, code);
        Assert.Contains($"{dir.File("bad.json")}:3: bad cluster config", error);

        File.WriteAllText(dir.File("dev.json"), "{\"membership\": \"development\", \"gateways\": [\"127.0.0.1:1\"]}");
        (code, _, error) = CliRunner.Run("cluster", "silo", "--shards", dir.Path, "--cluster", dir.File("dev.json"));
        Assert.Equal(1, code);
        Assert.Contains("membership development needs primary_silo", error);

        File.WriteAllText(dir.File("dev.json"), "{\"membership\": \"development\", \"primary_silo\": \"127.0.0.1:1\", \"gateways\": [\"127.0.0.1:1\"]}");
        (code, _, error) = CliRunner.Run("cluster", "silo", "--shards", dir.Path, "--cluster", dir.File("dev.json"));
        Assert.Equal(1, code);
        Assert.Contains("no index files (*.sfi)", error);

        (code, _, error) = CliRunner.Run("cluster", "init-db", "--cluster", dir.File("dev.json"));
        Assert.Equal(1, code);
        Assert.Contains("init-db is for membership postgresql", error);

        (code, _, error) = CliRunner.Run("serve", "--port", "0");
        Assert.Equal(1, code);
        Assert.Contains("give --index FILES (or a live index directory) or --cluster CONFIG", error);
    }
}
