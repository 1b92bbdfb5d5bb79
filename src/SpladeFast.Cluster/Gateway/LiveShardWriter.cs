using System.IO.Hashing;
using System.Text;
using SpladeFast.Cluster.Grains;
using SpladeFast.Ingest;
using SpladeFast.Live;
using SpladeFast.Quantize;
using SpladeFast.Server;

namespace SpladeFast.Cluster.Gateway;

/// <summary>
/// Writes documents to a cluster's live shards through the silos that hold their writable copies. A document goes
/// to the live shard its id hashes to (XxHash32 of the UTF-8 id, modulo the live shards in name order), so an id
/// added again reaches the shard that holds it and replaces it there. A batch is checked whole at the gateway first
/// (a bad document fails it with nothing written) and refused whole, with 503, when a shard it needs has its
/// writable copy down. A write is acknowledged only when every shard it went to has logged and fsynced it.
/// </summary>
public sealed class LiveShardWriter(ClusterGateway gateway) : IDocumentWriter
{
    /// <exception cref="BadRequestException">A bad document (400), no live shard (400), or a shard's writable copy down (503).</exception>
    public WriteResponse Add(IReadOnlyList<byte[]> lines) => AddAsync(lines).GetAwaiter().GetResult();

    /// <exception cref="BadRequestException">No live shard (400), or the shard's writable copy down (503).</exception>
    public WriteResponse Delete(string id) => DeleteAsync(id).GetAwaiter().GetResult();

    private async Task<WriteResponse> AddAsync(IReadOnlyList<byte[]> lines)
    {
        var snapshot = gateway.Current;
        var shards = LiveShards(snapshot);
        var parsed = new ParsedVector();
        var quantizer = ImpactQuantizer.Fixed(snapshot.ImpactScale);
        var targets = new int[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            if (LiveIndex.ParseDocument(lines[i], parsed, quantizer) is { } error)
                throw new BadRequestException($"document {i + 1}: {error}");
            targets[i] = Route(parsed.Id, shards.Count);
        }
        var writes = Enumerable.Range(0, shards.Count).Select(s => (Shard: s, Documents: Enumerable.Range(0, lines.Count).Where(i => targets[i] == s).ToArray()))
            .Where(w => w.Documents.Length > 0).ToList();
        var owners = writes.Select(w => Owner(shards[w.Shard])).ToList();
        var answered = await Task.WhenAll(writes.Select((w, j) => Call(owners[j],
            grain => grain.Add(shards[w.Shard].Name, [.. w.Documents.Select(i => lines[i])], [.. w.Documents.Select(i => (long)i + 1)])))).ConfigureAwait(false);
        return await Acknowledge(answered, writes.Select(w => (shards[w.Shard].Name, Documents(w.Documents))).ToList(), owners).ConfigureAwait(false);
    }

    private async Task<WriteResponse> DeleteAsync(string id)
    {
        var shards = LiveShards(gateway.Current);
        var shard = shards[Route(id, shards.Count)];
        var owner = Owner(shard);
        var answer = await Call(owner, grain => grain.Delete(shard.Name, [id])).ConfigureAwait(false);
        return await Acknowledge([answer], [(shard.Name, $"the delete of '{id}'")], [owner]).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes what the shards answered (their new tokens become searchable) and sums it up; a shard that did not
    /// take its part fails the request, saying what the others did take.
    /// </summary>
    private async Task<WriteResponse> Acknowledge(LiveWriteAnswer?[] answers, List<(string Shard, string What)> parts, List<Replica> owners)
    {
        for (int j = 0; j < answers.Length; j++)
        {
            if (answers[j] is { Error: null } answer)
                await gateway.ObserveAsync(owners[j].Silo, answer.Shard).ConfigureAwait(false);
        }
        var failed = Enumerable.Range(0, answers.Length).Where(j => answers[j] is not { Error: null }).ToList();
        if (failed.Count > 0)
        {
            var taken = Enumerable.Range(0, answers.Length).Where(j => !failed.Contains(j)).Select(j => $"{parts[j].What} went to live shard {parts[j].Shard}").ToList();
            string why = string.Join("; ", failed.Select(j => answers[j]?.Error is { } error
                ? $"live shard {parts[j].Shard} refused {parts[j].What}, nothing of it written: {error}"
                : $"{parts[j].What} for live shard {parts[j].Shard} may not have been written: its silo {owners[j].Description.SiloName} did not answer"));
            bool badDocument = failed.All(j => answers[j]?.Error is not null);
            throw new BadRequestException(why + (taken.Count > 0 ? $"; {string.Join("; ", taken)}" : "")
                + "; sending the same documents again is safe (an id added again replaces its document)", badDocument ? 400 : 503);
        }
        var shards = answers.Select((a, j) => new ShardWriteResponse(a!.Shard.Name, a.Shard.SiloName, a.Added, a.Replaced, a.Deleted, a.Generation, a.Pending)).ToList();
        return new WriteResponse(shards.Sum(s => s.Added), shards.Sum(s => s.Replaced), shards.Sum(s => s.Deleted), shards.Max(s => s.Generation), shards.Sum(s => s.Pending))
        {
            Shards = shards,
        };
    }

    /// <summary>The live shards in name order: the routing's modulus (adding a live shard moves ids to other shards).</summary>
    private static List<ShardDescription> LiveShards(ClusterSnapshot snapshot)
    {
        var live = snapshot.Shards.Where(s => s.Live).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return live.Count > 0 ? live
            : throw new BadRequestException("the cluster has no live shards; documents are written to live index directories a silo serves (cluster silo --shards DIR made by 'live create')");
    }

    private static int Route(string id, int shards) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(id)) % (uint)shards);

    /// <summary>The replica holding the shard's writable copy, when it is up; else the write is refused, nothing written.</summary>
    private Replica Owner(ShardDescription shard) =>
        gateway.Replicas.TryGetValue(shard.Name, out var replicas) && replicas is [var owner, ..] && !gateway.IsMarkedDown(owner.Silo)
            ? owner
            : throw new BadRequestException($"live shard {shard.Name} cannot take writes now: the silo holding its writable copy ({shard.SiloName}) is down or unreachable; nothing was written, retry when it is back", 503);

    /// <summary>The write's answer, or null when the call failed (the silo is then marked down).</summary>
    private async Task<LiveWriteAnswer?> Call(Replica owner, Func<ISiloShardsGrain, Task<LiveWriteAnswer>> write)
    {
        try
        {
            return await write(owner.Grain).ConfigureAwait(false);
        }
        catch (Exception e) when (ClusterGateway.IsReplicaFailure(e))
        {
            gateway.MarkDown(owner.Silo, e);
            return null;
        }
    }

    private static string Documents(int[] positions) =>
        positions.Length == 1 ? $"document {positions[0] + 1}" : $"documents {string.Join(", ", positions.Select(i => i + 1))}";
}
