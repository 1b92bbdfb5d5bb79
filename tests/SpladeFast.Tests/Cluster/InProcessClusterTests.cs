using SpladeFast.Algorithms;
using SpladeFast.Cluster.Gateway;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Server;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cluster;

/// <summary>
/// An Orleans TestingHost cluster of 3 silos serving 4 shards with 2 replicas each: the gateway's answers equal
/// one index over all documents, ties included, and stay exact, or say they are partial, while silos die.
/// </summary>
[Collection("Console")]
public sealed class InProcessClusterTests
{
    private static readonly int[] Depths = [1, 10, 1000];

    [Fact]
    public async Task Cluster_answers_equal_one_index_and_survive_killed_silos()
    {
        using var data = ClusterCollection.Build();
        await using var silos = await TestSilos.StartAsync(data);
        var cluster = silos.Cluster;
        await using var gateway = await ClusterGateway.ConnectAsync(cluster.Client, new ClusterConfig { RefreshSeconds = 0.5 }, TimeSpan.FromSeconds(30));

        var snapshot = gateway.Current;
        Assert.Equal(ClusterCollection.ShardCount, snapshot.Shards.Count);
        Assert.Empty(snapshot.NeverSeen);
        var allShards = Enumerable.Range(0, ClusterCollection.ShardCount).Select(data.Shard).ToList();
        foreach (int k in Depths)
        {
            foreach (var tokens in data.Queries)
            {
                var expected = ClusterCollection.Expected([data.Whole], tokens, k);
                Assert.Equal(expected, ClusterCollection.Expected(allShards, tokens, k));
                foreach (var algorithm in SearchAlgorithms.All)
                {
                    var answer = snapshot.Search(ClusterCollection.Query(snapshot.Vocabulary, tokens), k, algorithm, storedSources: false);
                    Assert.Empty(answer.MissingShards);
                    Assert.Equal(expected, answer.Hits.Select(h => (h.Id, h.Score)).ToList());
                }
            }
        }

        // One silo down: every shard still has a replica, so every answer is complete and exact, from the first
        // query after the kill (its calls to the dead silo are retried on other replicas).
        var handles = silos.Handles();
        await cluster.KillSiloAsync(handles[1]);
        Assert.Equal(0, await CheckAnswers(data, snapshot, rounds: 3));

        // Two silos down: shards with both replicas on them are missing, and only those.
        await cluster.KillSiloAsync(handles[2]);
        var lost = data.Plan.Shards.Where(s => !s.Silos.Contains(0)).Select(s => ClusterCollection.ShardName(s.Part.Part)).ToList();
        Assert.NotEmpty(lost);
        await CheckAnswers(data, snapshot, rounds: 2);
        foreach (var tokens in data.Queries)
        {
            var answer = snapshot.Search(ClusterCollection.Query(snapshot.Vocabulary, tokens), 10, SearchAlgorithms.Get("maxscore"), storedSources: false);
            Assert.Equal(lost, answer.MissingShards.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// Asks every query at k = 10: a complete answer equals the exhaustive top k over all shards, a partial one
    /// the exhaustive top k over the shards it did not list as missing. Returns how many answers were partial.
    /// </summary>
    private static async Task<int> CheckAnswers(ClusterCollection data, ClusterSnapshot snapshot, int rounds)
    {
        int partial = 0;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var tokens in data.Queries)
            {
                var answer = await Task.Run(() => snapshot.Search(ClusterCollection.Query(snapshot.Vocabulary, tokens), 10, SearchAlgorithms.Get("block_max_wand"), storedSources: false));
                var answered = Enumerable.Range(0, ClusterCollection.ShardCount).Where(p => !answer.MissingShards.Contains(ClusterCollection.ShardName(p))).Select(data.Shard).ToList();
                if (answer.MissingShards.Count > 0)
                    partial++;
                var expected = answered.Count == 0 ? [] : ClusterCollection.Expected(answered, tokens, 10);
                Assert.Equal(expected, answer.Hits.Select(h => (h.Id, h.Score)).ToList());
            }
        }
        return partial;
    }
}
