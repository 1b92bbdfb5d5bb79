using System.Globalization;
using System.Text;
using SpladeFast.Build;
using SpladeFast.Shards;

namespace SpladeFast.Cluster.Planning;

/// <summary>One shard in a plan: its part, its documents, and the silos that serve it (the first builds it).</summary>
public sealed record PlannedShard(ShardSpec Part, long Documents, IReadOnlyList<int> Silos);

/// <summary>
/// Which silo builds and serves which shard: shard i's replicas go to silos i, i+1, ... (mod silos), so replicas
/// of a shard are on different silos and every silo holds about shards x replicas / silos shards. The first silo
/// of a shard builds it (<c>index --shard i/n</c> reads the whole input and keeps its part) and copies it to the others.
/// </summary>
public sealed record ClusterPlan(long Documents, int Silos, int Replicas, IReadOnlyList<PlannedShard> Shards)
{
    /// <exception cref="ArgumentException">Counts below 1, or more replicas than silos.</exception>
    public static ClusterPlan Make(long documents, int shards, int replicas, int silos)
    {
        if (documents < 0 || shards < 1 || replicas < 1 || silos < 1)
            throw new ArgumentException("documents must be at least 0, and shards, replicas and silos at least 1");
        if (replicas > silos)
            throw new ArgumentException($"{replicas} replicas need at least {replicas} silos (replicas of a shard go to different silos); give --silos");
        var planned = Enumerable.Range(0, shards).Select(i => new PlannedShard(
            new ShardSpec(i, shards), documents / shards + (i < documents % shards ? 1 : 0),
            Enumerable.Range(0, replicas).Select(r => (i + r) % silos).ToList())).ToList();
        return new ClusterPlan(documents, silos, replicas, planned);
    }

    /// <summary>The plan as text: per shard, then per silo with the commands it runs.</summary>
    public string Render(string input = "COLLECTION", string shardName = "shard-{i}.sfi")
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{Documents:N0} documents in {Shards.Count} shards x {Replicas} replicas on {Silos} silos");
        text.AppendLine("shard   part    documents  silos (first builds)");
        foreach (var shard in Shards)
            text.AppendLine(c, $"{shard.Part.Part,5}  {shard.Part,5}  {shard.Documents,11:N0}  {string.Join(", ", shard.Silos.Select(s => $"silo-{s}"))}");
        for (int silo = 0; silo < Silos; silo++)
        {
            var serves = Shards.Where(s => s.Silos.Contains(silo)).ToList();
            text.AppendLine();
            text.AppendLine(c, $"silo-{silo}: serves {serves.Count} shards, {serves.Sum(s => s.Documents):N0} documents");
            foreach (var shard in serves.Where(s => s.Silos[0] == silo))
            {
                string file = Name(shardName, shard.Part.Part);
                text.AppendLine(c, $"  splade-fast index --input {input} --output shards/{file} --shard {shard.Part} --quant-bits 0");
                foreach (int other in shard.Silos.Skip(1))
                    text.AppendLine(c, $"  copy shards/{file} to silo-{other}:shards/{file}.tmp, then rename it to shards/{file}");
            }
            text.AppendLine(c, $"  splade-fast cluster silo --name silo-{silo} --shards shards --cluster cluster.json");
        }
        return text.ToString();
    }

    private static string Name(string pattern, int part) => pattern.Replace("{i}", part.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
