using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using SpladeFast.Algorithms;
using SpladeFast.Cluster.Grains;
using SpladeFast.Ingest;
using SpladeFast.Live;

namespace SpladeFast.Cluster.Hosting;

/// <summary>
/// A live index directory a silo serves as a shard: opened for writing (its lock file makes this silo the one
/// writable copy), flushed and merged in the background, searched on its newest snapshot so that every
/// acknowledged write is visible. Its term ids are the live index's, stable while it stays open; a random
/// <see cref="Version"/> per opening tells a gateway to read its tokens anew after the silo restarted.
/// </summary>
internal sealed class LiveShard : IDisposable
{
    private readonly LiveIndex _index;
    private readonly ConditionalWeakTable<LiveSnapshot, ConcurrentBag<LiveSearcher>> _searchers = [];

    private LiveShard(string name, LiveIndex index)
    {
        Name = name;
        _index = index;
        Version = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
    }

    /// <summary>Opens the live index at <paramref name="directory"/> for writing, with flushes after <paramref name="flushAfter"/>.</summary>
    /// <exception cref="IOException">Another process holds its write lock, or it cannot be read.</exception>
    /// <exception cref="Format.IndexCorruptException">A file of it is damaged.</exception>
    public static LiveShard Open(string directory, TimeSpan flushAfter)
    {
        var index = LiveIndex.Open(directory);
        try
        {
            index.StartBackgroundWork(flushAfter);
            return new LiveShard(NameOf(directory), index);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>A live shard's name: its directory's.</summary>
    public static string NameOf(string directory) => System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(directory)));

    public string Name { get; }

    /// <summary>This opening of the live index (random), as <see cref="ShardDescription.Checksum"/>.</summary>
    public ulong Version { get; }

    public ShardDescription Describe(string siloName)
    {
        using var lease = _index.Acquire();
        var snapshot = lease.Snapshot;
        return new ShardDescription(Name, siloName, _index.Directory, null, snapshot.DocumentCount,
            snapshot.Segments.Sum(s => s.Segment.Index.PostingCount), snapshot.ImpactScale, 0, snapshot.HasRanges, Version,
            snapshot.Segments.Sum(s => s.Segment.Index.FileLength), DateTime.UtcNow, Live: true, snapshot.Vocabulary.Count);
    }

    /// <exception cref="KeyNotFoundException">Another opening's version.</exception>
    public string[] Tokens(ulong version, int from)
    {
        CheckVersion(version);
        using var lease = _index.Acquire();
        var tokens = lease.Snapshot.Vocabulary.Tokens;
        return [.. tokens.Skip(Math.Clamp(from, 0, tokens.Count))];
    }

    /// <summary>Answers a query on the newest snapshot: hits' ordinals are sequence numbers (insertion order).</summary>
    /// <exception cref="ArgumentException">bmp without range data, or a term id this opening never gave out.</exception>
    /// <exception cref="KeyNotFoundException">Another opening's version.</exception>
    public ShardAnswer Search(ShardQuery query, ISearchAlgorithm algorithm)
    {
        CheckVersion(query.Checksum);
        using var lease = _index.Acquire();
        var snapshot = lease.Snapshot;
        if (algorithm is BlockMaxPruning && !snapshot.HasRanges)
            throw new ArgumentException($"bmp needs range data, and live shard {Name} has segments without it (live create --bmp-range above 0)");
        var terms = new QueryTerm[query.TermIds.Length];
        for (int t = 0; t < terms.Length; t++)
        {
            if ((uint)query.TermIds[t] >= (uint)snapshot.Vocabulary.Count)
                throw new ArgumentException($"query {query.QueryId}: live shard {Name} has no term id {query.TermIds[t]}");
            terms[t] = new QueryTerm(query.TermIds[t], query.Weights[t]);
        }
        var pool = _searchers.GetValue(snapshot, _ => []);
        var searcher = pool.TryTake(out var pooled) ? pooled : new LiveSearcher(snapshot);
        try
        {
            searcher.ResetCounters();
            searcher.InitialThreshold = query.InitialThreshold;
            var hits = searcher.Search(new QueryVector(query.QueryId, terms), query.K, algorithm);
            return ShardCatalog.Answer(hits, sequence => sequence, snapshot.DocumentId, searcher);
        }
        finally
        {
            pool.Add(searcher);
        }
    }

    /// <summary>Adds (or replaces) documents; durable and searchable when this returns. A bad line: the answer's error, nothing written.</summary>
    public LiveWriteAnswer Add(string siloName, byte[][] lines, long[] positions)
    {
        if (lines.Length != positions.Length)
            throw new ArgumentException($"{lines.Length} lines but {positions.Length} positions");
        try
        {
            int replaced = _index.Add(lines, "request body", positions);
            return Answer(siloName, lines.Length, replaced, 0, null);
        }
        catch (InputException e)
        {
            return Answer(siloName, 0, 0, 0, $"document {e.Line}: {e.Reason}");
        }
    }

    /// <summary>Deletes documents by id; durable when this returns.</summary>
    /// <exception cref="ArgumentException">An id that no document can have.</exception>
    public LiveWriteAnswer Delete(string siloName, string[] ids) => Answer(siloName, 0, 0, _index.Delete(ids), null);

    public void Dispose() => _index.Dispose();

    private LiveWriteAnswer Answer(string siloName, int added, int replaced, int deleted, string? error)
    {
        var stats = _index.Stats();
        return new LiveWriteAnswer(added, replaced, deleted, stats.Generation, stats.BufferedDocuments, Describe(siloName), error);
    }

    private void CheckVersion(ulong version)
    {
        if (version != Version)
            throw new KeyNotFoundException($"live shard {Name} was opened anew (version {Version:x16}, not {version:x16}); read its tokens again");
    }
}
