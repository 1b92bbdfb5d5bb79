using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Cluster.Grains;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Cluster.Placement;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Cluster.Gateway;

/// <summary>One copy of a shard: the shard file on one silo, searched through that silo's grain.</summary>
public sealed record Replica(SiloAddress Silo, ShardDescription Description, ISiloShardsGrain Grain);

/// <summary>
/// A hit of the merged answer: its document id, integer score and place in the cluster's document order (a file
/// shard's global input ordinal below 2^32; a live shard's documents after all of them, by shard and sequence number).
/// </summary>
internal readonly record struct ClusterHit(string Id, long Score, ulong Order);

/// <summary>A merged answer, best first (ties by <see cref="ClusterHit.Order"/>).</summary>
internal sealed record ClusterAnswer(ClusterHit[] Hits, IReadOnlyList<string> MissingShards, long PostingsDecoded, long DocumentsScored);

/// <summary>
/// The gateway's view of a cluster: which silos are up (Orleans membership, read through the management grain),
/// which shards each holds, and which replicas failed lately. Sends each query to one replica of every shard,
/// retries a failed call once on another replica, and merges the answers into the exact global top k (ties by
/// global input ordinal). A shard none of whose replicas answers is reported missing, never silently dropped.
/// </summary>
public sealed class ClusterGateway : IAsyncDisposable
{
    private readonly IClusterClient _client;
    /// <summary>The pause before a shard's last try.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private readonly ClusterConfig _config;
    private readonly ILogger? _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly Dictionary<SiloAddress, ShardDescription[]> _silos = [];
    private readonly Dictionary<(string Name, ulong Checksum), List<string>> _tokens = [];
    private readonly SortedDictionary<string, ShardDescription> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SiloAddress, long> _downUntil = new();
    private readonly CancellationTokenSource _stop = new();
    private Dictionary<string, Replica[]> _replicas = [];
    private volatile Dictionary<string, ShardDescription> _liveNow = [];
    private ClusterSnapshot? _current;
    private Task? _refreshLoop;
    private int _nextReplica;

    private ClusterGateway(IClusterClient client, ClusterConfig config, ILogger? logger)
    {
        _client = client;
        _config = config;
        _logger = logger;
    }

    /// <summary>
    /// Reads the cluster until every expected shard is seen (the config's <c>shards</c>, and every part of
    /// round-robin shards) or <paramref name="wait"/> has passed, then keeps reading it in the background.
    /// </summary>
    /// <exception cref="InvalidOperationException">No silo with shards answered within <paramref name="wait"/>.</exception>
    public static async Task<ClusterGateway> ConnectAsync(IClusterClient client, ClusterConfig config, TimeSpan wait, ILogger? logger = null, CancellationToken cancellation = default)
    {
        var gateway = new ClusterGateway(client, config, logger);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await gateway.RefreshAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsReplicaFailure(e))
            {
                logger?.LogWarning("reading the cluster failed, retrying: {Message}", e.Message);
            }
            if (gateway._current is { } current && (current.NeverSeen.Count == 0 || clock.Elapsed >= wait))
                break;
            if (clock.Elapsed >= wait)
                throw new InvalidOperationException($"no silo with shards answered within {wait.TotalSeconds:F0} s; are the silos started, with this cluster config?");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation).ConfigureAwait(false);
        }
        gateway._refreshLoop = gateway.RefreshLoop();
        return gateway;
    }

    /// <summary>The shards as last read; replaced (and <see cref="ShardsChanged"/> raised) when a shard appears or changes version.</summary>
    public ClusterSnapshot Current => _current ?? throw new InvalidOperationException("not connected");

    /// <summary>Raised after <see cref="Current"/> changed: a new shard, or a new version of one (a replaced file).</summary>
    public event Action? ShardsChanged;

    /// <summary>The replicas now believed up, by shard name.</summary>
    public IReadOnlyDictionary<string, Replica[]> Replicas => _replicas;

    /// <summary>Reads membership and the shards of silos not seen before; drops silos that left.</summary>
    public async Task RefreshAsync()
    {
        await _refreshLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var hosts = await _client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
            foreach (var gone in _silos.Keys.Where(s => !hosts.ContainsKey(s)).ToList())
            {
                _silos.Remove(gone);
                _downUntil.TryRemove(gone, out _);
                _logger?.LogWarning("silo {Silo} left the cluster", gone);
            }
            // Every silo's listing, every time: a silo reloads shard files replaced under it (a new checksum).
            var listings = await Task.WhenAll(hosts.Keys.Select(async silo =>
            {
                try
                {
                    return (silo, Shards: await _client.GetGrain<ISiloShardsGrain>(SiloKeys.Silo(silo)).Shards().ConfigureAwait(false));
                }
                catch (Exception e) when (IsReplicaFailure(e))
                {
                    if (!_silos.ContainsKey(silo))
                        _logger?.LogWarning("silo {Silo} did not list its shards yet: {Message}", silo, e.Message);
                    return (silo, Shards: (ShardDescription[]?)null);
                }
            })).ConfigureAwait(false);
            foreach (var (silo, shards) in listings)
            {
                if (shards is not null)
                    _silos[silo] = shards;
            }
            await UpdateShardsAsync().ConfigureAwait(false);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_refreshLoop is { } loop)
            await loop.ConfigureAwait(false);
        _stop.Dispose();
        _refreshLock.Dispose();
    }

    /// <summary>
    /// Answers one query on every shard of <paramref name="snapshot"/> and merges to the exact top k. Each shard goes
    /// to one replica, and the shards that went to one silo travel in one call; a shard whose call failed is asked
    /// once more, alone, on another replica, starting from the best floor the answered shards showed.
    /// </summary>
    /// <exception cref="ArgumentException">A shard refused the query (unknown algorithm, bmp without range data).</exception>
    internal async Task<ClusterAnswer> SearchAsync(ClusterSnapshot snapshot, QueryVector query, int k, ISearchAlgorithm algorithm, bool initialThreshold)
    {
        var shards = snapshot.Shards;
        var queries = new ShardQuery[shards.Count];
        var chosen = new Replica?[shards.Count];
        for (int s = 0; s < shards.Count; s++)
        {
            var local = snapshot.Terms.LocalQuery(query, s);
            queries[s] = new ShardQuery(query.Id, local.Terms.Select(t => t.TermId).ToArray(), local.Terms.Select(t => t.Weight).ToArray(), k, algorithm.Name, 0, initialThreshold, shards[s].Checksum);
            chosen[s] = Choose(shards[s], []);
        }
        var calls = Enumerable.Range(0, shards.Count).Where(s => chosen[s] is not null).GroupBy(s => chosen[s]!.Silo)
            .Select(group => (Shards: group.ToArray(), Answers: AskSiloAsync(chosen[group.First()]!, group.Select(s => shards[s].Name).ToArray(), group.Select(s => queries[s]).ToArray())))
            .ToList();
        await Task.WhenAll(calls.Select(c => c.Answers)).ConfigureAwait(false);
        var answers = new ShardAnswer?[shards.Count];
        foreach (var (group, asked) in calls)
        {
            if (asked.Result is { } answered)
            {
                for (int i = 0; i < group.Length; i++)
                    answers[group[i]] = answered[i];
            }
        }

        long floor = answers.Where(a => a is not null && a.Scores.Length == k).Select(a => a!.Scores[^1]).DefaultIfEmpty(0).Max();
        var retries = Enumerable.Range(0, shards.Count).Where(s => answers[s] is null && chosen[s] is not null)
            .Select(s => (Shard: s, Answer: RetryAsync(shards[s], queries[s] with { Floor = floor }, chosen[s]!.Silo))).ToList();
        await Task.WhenAll(retries.Select(r => r.Answer)).ConfigureAwait(false);
        foreach (var (shard, retried) in retries)
            answers[shard] = retried.Result;

        var candidates = new List<ClusterHit>();
        var missing = new List<string>(snapshot.NeverSeen);
        long postings = 0, scored = 0;
        for (int s = 0; s < shards.Count; s++)
        {
            if (answers[s] is not { } answer)
            {
                missing.Add(shards[s].Name);
                continue;
            }
            postings += answer.PostingsDecoded;
            scored += answer.DocumentsScored;
            for (int i = 0; i < answer.Ordinals.Length; i++)
                candidates.Add(new ClusterHit(answer.Ids[i], answer.Scores[i], snapshot.Order(s, answer.Ordinals[i])));
        }
        candidates.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Order.CompareTo(b.Order));
        return new ClusterAnswer([.. candidates.Take(k)], missing, postings, scored);
    }

    /// <summary>
    /// A failed shard's answer from another replica, then from any replica still listed, the failed one included,
    /// every <see cref="RetryPause"/> for up to <see cref="RetryWindow"/>: while a dead silo is being declared dead,
    /// calls to living silos can fail too (the client still routes some through the dead silo's gateway), and a
    /// shard with a replica left must not be reported missing for that. Null: none answered, or none is listed.
    /// </summary>
    /// <summary>
    /// How long a dead silo can take to leave: Orleans declares it dead after the missed probes (two of
    /// <see cref="ClusterConfig.ProbeTimeoutSeconds"/>, plus the vote), and the client then re-reads its gateway list
    /// (<see cref="ClusterConfig.RefreshSeconds"/>, at least 1 s); never longer than a call's response timeout.
    /// </summary>
    private TimeSpan RetryWindow => TimeSpan.FromSeconds(Math.Min(_config.ResponseTimeoutSeconds,
        3 * _config.ProbeTimeoutSeconds + 2 * Math.Max(1, _config.RefreshSeconds) + 1));

    private async Task<ShardAnswer?> RetryAsync(ShardDescription shard, ShardQuery query, SiloAddress failed)
    {
        long start = Stopwatch.GetTimestamp();
        var last = failed;
        while (true)
        {
            if ((Choose(shard, [last]) ?? Choose(shard, [])) is not { } replica)
                return null;
            if (await AskSiloAsync(replica, [shard.Name], [query]).ConfigureAwait(false) is { } answer)
                return answer[0];
            last = replica.Silo;
            if (Stopwatch.GetElapsedTime(start) > RetryWindow)
                return null;
            await Task.Delay(RetryPause).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One silo's answers for some of its shards, or null when the call failed: the silo is then skipped a while,
    /// unless it answered that it no longer holds that version of a shard (it reloaded a replaced file; the next
    /// refresh sees the new version).
    /// </summary>
    private async Task<ShardAnswer[]?> AskSiloAsync(Replica replica, string[] shards, ShardQuery[] queries)
    {
        try
        {
            return await replica.Grain.Search(shards, queries).ConfigureAwait(false);
        }
        catch (KeyNotFoundException e)
        {
            if (_logger?.IsEnabled(LogLevel.Information) == true)
                _logger.LogInformation("silo {Silo}: {Message}", replica.Silo, e.Message);
            return null;
        }
        catch (Exception e) when (IsReplicaFailure(e))
        {
            MarkDown(replica.Silo, e);
            return null;
        }
    }

    /// <summary>
    /// A replica of the shard's version on a silo not in <paramref name="avoid"/>, in turn: one believed up, else one
    /// that failed lately (a failed call marks a silo, it does not rule it out), else null.
    /// </summary>
    private Replica? Choose(ShardDescription shard, SiloAddress[] avoid)
    {
        if (!_replicas.TryGetValue(shard.Name, out var replicas))
            return null;
        int start = Interlocked.Increment(ref _nextReplica);
        Replica? marked = null;
        for (int i = 0; i < replicas.Length; i++)
        {
            var replica = replicas[(int)((uint)(start + i) % (uint)replicas.Length)];
            if (replica.Description.Checksum != shard.Checksum || avoid.Contains(replica.Silo))
                continue;
            if (!IsMarkedDown(replica.Silo))
                return replica;
            marked ??= replica;
        }
        return marked;
    }

    /// <summary>
    /// A live shard's description as last read (its documents change with every write, which makes no new
    /// snapshot); another shard's as given.
    /// </summary>
    internal ShardDescription Latest(ShardDescription shard) =>
        shard.Live && _liveNow.TryGetValue(shard.Name, out var now) && now.Checksum == shard.Checksum ? now : shard;

    /// <summary>Whether a call to <paramref name="silo"/> failed lately (it is skipped for a few seconds).</summary>
    internal bool IsMarkedDown(SiloAddress silo) => _downUntil.TryGetValue(silo, out long until) && until > Stopwatch.GetTimestamp();

    /// <summary>
    /// Takes a live shard's description as a write answered it (its documents and vocabulary now), so that the
    /// next query reads the tokens the write added: a new snapshot is published before this returns, unless a
    /// silo fails to give its tokens (the write stands; the next refresh reads them).
    /// </summary>
    internal async Task ObserveAsync(SiloAddress silo, ShardDescription description)
    {
        await _refreshLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_silos.TryGetValue(silo, out var listed))
                _silos[silo] = [.. listed.Select(d => d.Name == description.Name ? description : d)];
            await UpdateShardsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsReplicaFailure(e))
        {
            _logger?.LogWarning("after a write to live shard {Shard}, reading the cluster failed (the next refresh retries): {Message}", description.Name, e.Message);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>A silo whose call failed is skipped for a few seconds; membership drops it for good if it died.</summary>
    internal void MarkDown(SiloAddress silo, Exception e)
    {
        var pause = TimeSpan.FromSeconds(Math.Max(3, 2 * _config.RefreshSeconds));
        _downUntil[silo] = Stopwatch.GetTimestamp() + (long)(pause.TotalSeconds * Stopwatch.Frequency);
        _logger?.LogWarning("silo {Silo} failed a call, asking other replicas for {Seconds} s: {Message}", silo, pause.TotalSeconds, e.Message);
    }

    /// <summary>A failure of the replica or of the way to it, not of the query: another replica may answer.</summary>
    internal static bool IsReplicaFailure(Exception e) => e is OrleansException or TimeoutException or KeyNotFoundException or OperationCanceledException;

    private async Task RefreshLoop()
    {
        var period = TimeSpan.FromSeconds(_config.RefreshSeconds);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _stop.Token).ConfigureAwait(false);
                await RefreshAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the loop must outlive any one failed read; the next one retries
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger?.LogWarning("reading the cluster failed: {Message}", e.Message);
            }
        }
    }

    /// <summary>
    /// Picks each shard's version (the one already served while a replica of it is up, else the one most silos
    /// hold), fetches the vocabulary of a new version and the new tokens of a live shard, and publishes a new
    /// snapshot when versions or vocabularies changed.
    /// </summary>
    private async Task UpdateShardsAsync()
    {
        var all = _silos.SelectMany(pair => pair.Value.Select(d => new Replica(pair.Key, d, _client.GetGrain<ISiloShardsGrain>(SiloKeys.Silo(pair.Key)))))
            .GroupBy(r => r.Description.Name, StringComparer.Ordinal).ToList();
        bool changed = _current is null;
        var chosen = new Dictionary<string, Replica[]>(StringComparer.Ordinal);
        foreach (var group in all)
        {
            var versions = group.GroupBy(r => r.Description.Checksum).ToList();
            var version = _known.TryGetValue(group.Key, out var served) && versions.FirstOrDefault(v => v.Key == served.Checksum) is { } same ? same
                : versions.OrderByDescending(v => v.Count()).ThenByDescending(v => v.Max(r => r.Description.Modified)).First();
            var description = version.First().Description;
            if (!_tokens.TryGetValue((description.Name, description.Checksum), out var tokens))
                _tokens[(description.Name, description.Checksum)] = tokens = [];
            if (tokens.Count < description.Terms)
            {
                // A new version, or a live shard whose vocabulary grew: only the tokens not seen yet.
                tokens.AddRange(await version.First().Grain.Tokens(description.Name, description.Checksum, tokens.Count).ConfigureAwait(false));
                changed = true;
            }
            if (!_known.TryGetValue(group.Key, out var before) || before.Checksum != description.Checksum)
                changed = true;
            _known[group.Key] = description;
            chosen[group.Key] = [.. version];
        }
        _replicas = chosen;
        _liveNow = _known.Values.Where(d => d.Live).ToDictionary(d => d.Name, StringComparer.Ordinal);
        if (changed && _known.Count > 0)
        {
            var shards = _known.Values.OrderBy(d => d.Live).ThenBy(d => d.Part is { } part ? ShardSpec.Parse(part).Part : int.MaxValue).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
            _current = new ClusterSnapshot(this, shards, shards.Select(d => (IReadOnlyList<string>)[.. _tokens[(d.Name, d.Checksum)]]).ToList(), NeverSeen(shards));
            if (_logger?.IsEnabled(LogLevel.Information) == true)
                _logger.LogInformation("serving {Count} shards: {Shards}", shards.Count, string.Join(", ", shards.Select(d => d.Name)));
            ShardsChanged?.Invoke();
        }
    }

    /// <summary>Shards expected but never seen: the config's names, and the parts missing from round-robin shards.</summary>
    private List<string> NeverSeen(IReadOnlyList<ShardDescription> seen)
    {
        var missing = _config.Shards.Where(name => seen.All(d => d.Name != name)).ToList();
        var parts = seen.Where(d => d.Part is not null).Select(d => ShardSpec.Parse(d.Part!)).ToList();
        if (parts.Count > 0)
        {
            int n = parts[0].Parts;
            missing.AddRange(Enumerable.Range(0, n).Where(i => parts.All(p => p.Part != i))
                .Select(i => $"part {new ShardSpec(i, n)}"));
        }
        return missing;
    }
}
