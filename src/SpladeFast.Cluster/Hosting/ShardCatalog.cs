using System.Collections.Concurrent;
using SpladeFast.Algorithms;
using SpladeFast.Cluster.Grains;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Live;
using SpladeFast.Shards;
using SpladeFast.Storage;
using SpladeFast.TopK;

namespace SpladeFast.Cluster.Hosting;

/// <summary>
/// The shard files one silo holds, opened (memory-mapped, checksums verified) when the silo starts, with a pool of
/// search contexts per shard: the silo's grain answers from it, several queries at once. <see cref="Reload"/> picks
/// up files replaced, added or removed since (a new file renamed over an old one, as a build elsewhere delivers it);
/// a replaced file stays mapped until the last search on it ends, and each query names the version (header
/// checksum) it was mapped for, so an answer never mixes one version's term ids with another's postings.
/// A live index directory among the sources is a live shard (<see cref="LiveShard"/>): this silo holds its one
/// writable copy, searches its newest snapshot and takes its writes.
/// </summary>
public sealed class ShardCatalog : IDisposable
{
    private readonly IReadOnlyList<string> _sources;
    private readonly object _reloadLock = new();
    private readonly Dictionary<string, LiveShard> _live;
    private volatile Dictionary<string, Entry> _shards;

    private ShardCatalog(string siloName, IReadOnlyList<string> sources, Dictionary<string, Entry> shards, Dictionary<string, LiveShard> live)
    {
        SiloName = siloName;
        _sources = sources;
        _shards = shards;
        _live = live;
    }

    /// <summary>
    /// Opens the shards: index files, directories whose <c>*.sfi</c> files are shards, and live index directories
    /// (opened for writing, flushed once their oldest buffered document is <paramref name="flushAfter"/> old; default 1 s).
    /// </summary>
    /// <exception cref="ArgumentException">No shard given or found, or two with one name.</exception>
    /// <exception cref="Format.IndexCorruptException">A file is damaged.</exception>
    /// <exception cref="IOException">A live index is open for writing elsewhere, or a file cannot be read.</exception>
    public static ShardCatalog Open(string siloName, IReadOnlyList<string> filesOrDirectories, TimeSpan? flushAfter = null)
    {
        var liveDirectories = filesOrDirectories.Where(LiveIndex.IsLiveIndex).ToList();
        var sources = filesOrDirectories.Where(p => !liveDirectories.Contains(p)).ToList();
        var paths = List(sources);
        if (paths.Count + liveDirectories.Count == 0)
            throw new ArgumentException($"no index files (*.sfi) or live index directories in {string.Join(", ", filesOrDirectories)}");
        if (SameName([.. paths.Select(p => System.IO.Path.GetFileName(p)!), .. liveDirectories.Select(LiveShard.NameOf)]) is { } problem)
            throw new ArgumentException(problem);
        var opened = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var live = new Dictionary<string, LiveShard>(StringComparer.Ordinal);
        try
        {
            foreach (string path in paths)
                opened[System.IO.Path.GetFileName(path)] = Entry.Open(path);
            foreach (string directory in liveDirectories)
                live[LiveShard.NameOf(directory)] = LiveShard.Open(directory, flushAfter ?? TimeSpan.FromSeconds(1));
            return new ShardCatalog(siloName, sources, opened, live);
        }
        catch
        {
            foreach (var entry in opened.Values)
                entry.Retire();
            foreach (var shard in live.Values)
                shard.Dispose();
            throw;
        }
    }

    public string SiloName { get; }

    public IReadOnlyCollection<string> Names => [.. _shards.Keys, .. _live.Keys];

    public ShardDescription[] Describe() =>
        [.. _shards.Values.Select(e => Use(e, e => e.Describe(SiloName))).OfType<ShardDescription>(), .. _live.Values.Select(l => l.Describe(SiloName))];

    /// <summary>A shard's tokens from term id <paramref name="from"/> on.</summary>
    /// <exception cref="KeyNotFoundException">This silo holds no shard of that name, or holds another version of it.</exception>
    public string[] Tokens(string shard, ulong checksum, int from) => _live.TryGetValue(shard, out var live) ? live.Tokens(checksum, from)
        : Use(shard, checksum, entry => (string[])[.. entry.Index.Vocabulary.Tokens.Skip(Math.Max(0, from))]);

    /// <summary>Answers a query on one shard (any thread).</summary>
    /// <exception cref="ArgumentException">Unknown algorithm, bmp without range data, or mismatched term and weight arrays.</exception>
    /// <exception cref="KeyNotFoundException">This silo holds no shard of that name, or holds another version of it.</exception>
    public ShardAnswer Search(string shard, ShardQuery query)
    {
        if (query.TermIds.Length != query.Weights.Length)
            throw new ArgumentException($"query {query.QueryId}: {query.TermIds.Length} term ids but {query.Weights.Length} weights");
        var algorithm = SearchAlgorithms.Get(query.Algorithm);
        return _live.TryGetValue(shard, out var live) ? live.Search(query, algorithm) : Use(shard, query.Checksum, entry => Search(shard, entry, query, algorithm));
    }

    /// <summary>Adds (or replaces) documents of live shard <paramref name="shard"/>; durable and searchable when this returns.</summary>
    /// <exception cref="KeyNotFoundException">This silo holds no live shard of that name.</exception>
    public LiveWriteAnswer Add(string shard, byte[][] lines, long[] positions) => Live(shard).Add(SiloName, lines, positions);

    /// <summary>Deletes documents of live shard <paramref name="shard"/> by id; durable when this returns.</summary>
    /// <exception cref="KeyNotFoundException">This silo holds no live shard of that name.</exception>
    /// <exception cref="ArgumentException">An id no document can have.</exception>
    public LiveWriteAnswer Delete(string shard, string[] ids) => Live(shard).Delete(SiloName, ids);

    private LiveShard Live(string shard) => _live.TryGetValue(shard, out var live) ? live
        : throw new KeyNotFoundException(_shards.ContainsKey(shard)
            ? $"shard {shard} on silo {SiloName} is an index file; documents are written to live shards (live index directories)"
            : $"silo {SiloName} holds no live shard {shard}");

    private static ShardAnswer Search(string shard, Entry entry, ShardQuery query, ISearchAlgorithm algorithm)
    {
        if (algorithm is BlockMaxPruning && entry.Index.Ranges is null)
            throw new ArgumentException($"bmp needs range data, and shard {shard} was built without --bmp");
        var terms = new QueryTerm[query.TermIds.Length];
        for (int t = 0; t < terms.Length; t++)
            terms[t] = new QueryTerm(query.TermIds[t], query.Weights[t]);
        var context = entry.Contexts.TryTake(out var pooled) ? pooled : new SearchContext(entry.Index);
        try
        {
            context.ResetCounters();
            context.Floor = query.Floor;
            context.InitialThreshold = query.InitialThreshold;
            var hits = context.Search(new QueryVector(query.QueryId, terms), query.K, algorithm);
            return Answer(hits, entry.Index.Order.Ordinal, entry.Index.DocumentId, context);
        }
        finally
        {
            entry.Contexts.Add(context);
        }
    }

    /// <summary>A shard's hits as the gateway takes them: each one's input ordinal, score and document id.</summary>
    internal static ShardAnswer Answer(ReadOnlySpan<SearchHit> hits, Func<uint, uint> ordinal, Func<uint, string> documentId, IQuerySearcher searcher)
    {
        var ordinals = new uint[hits.Length];
        var scores = new long[hits.Length];
        var ids = new string[hits.Length];
        for (int i = 0; i < hits.Length; i++)
        {
            ordinals[i] = ordinal(hits[i].DocId);
            scores[i] = hits[i].Score;
            ids[i] = documentId(hits[i].DocId);
        }
        return new ShardAnswer(ordinals, scores, ids, searcher.PostingsDecoded, searcher.DocumentsScored);
    }

    /// <summary>
    /// Lists the silo's files again and serves what changed: a file whose length or modification time changed is
    /// opened (checksums verified) and replaces the old version if its header checksum differs; new files are
    /// added and vanished ones dropped. A file that fails to open leaves the version served before in place.
    /// </summary>
    /// <returns>What changed, and the files that could not be opened with why.</returns>
    public ReloadResult Reload()
    {
        lock (_reloadLock)
        {
            var current = _shards;
            var next = new Dictionary<string, Entry>(StringComparer.Ordinal);
            var result = new ReloadResult();
            var paths = List(_sources);
            if (SameName([.. paths.Select(p => System.IO.Path.GetFileName(p)!), .. _live.Keys]) is { } problem)
            {
                result.Failed.Add((string.Join(", ", _sources), problem + "; nothing reloaded"));
                return result;
            }
            foreach (string path in paths)
            {
                string name = System.IO.Path.GetFileName(path);
                current.TryGetValue(name, out var old);
                if (old is not null && old.Index.Path == path && old.Stamp == FileStamp.Of(path))
                {
                    next[name] = old;
                    continue;
                }
                try
                {
                    var opened = Entry.Open(path);
                    if (old is not null && opened.Index.Header.Checksum == old.Index.Header.Checksum)
                    {
                        opened.Retire(); // the same content under a new time stamp
                        old.Stamp = opened.Stamp;
                        next[name] = old;
                        continue;
                    }
                    next[name] = opened;
                    (old is null ? result.Added : result.Replaced).Add(name);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or Format.IndexCorruptException or ArgumentException or InvalidDataException)
                {
                    result.Failed.Add((path, e.Message));
                    if (old is not null)
                        next[name] = old;
                }
            }
            result.Removed.AddRange(current.Keys.Where(name => !next.ContainsKey(name)));
            _shards = next;
            foreach (var retired in current.Values.Where(e => !next.ContainsValue(e)))
                retired.Retire();
            return result;
        }
    }

    public void Dispose()
    {
        lock (_reloadLock)
        {
            var retired = _shards;
            _shards = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var entry in retired.Values)
                entry.Retire();
            foreach (var live in _live.Values)
                live.Dispose();
            _live.Clear();
        }
    }

    private static string? SameName(IEnumerable<string> names) =>
        names.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"two shards named {twice.Key}; a shard's file name (a live shard's directory name) is its name in the cluster"
            : null;

    /// <summary>The index files of the file sources (live index directories left out), directories listed.</summary>
    private static List<string> List(IReadOnlyList<string> filesOrDirectories) =>
        filesOrDirectories
            .SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p, "*.sfi").Order(StringComparer.Ordinal) : (IEnumerable<string>)[p])
            .Select(System.IO.Path.GetFullPath).ToList();

    /// <summary>Runs <paramref name="use"/> on the shard's current entry under a lease, if it is the version asked for.</summary>
    private T Use<T>(string shard, ulong checksum, Func<Entry, T> use) where T : class
    {
        while (true)
        {
            if (!_shards.TryGetValue(shard, out var entry))
                throw new KeyNotFoundException($"silo {SiloName} holds no shard {shard}");
            var result = Use(entry, leased => leased.Index.Header.Checksum == checksum ? use(leased)
                : throw new KeyNotFoundException($"silo {SiloName} now holds shard {shard} at version {leased.Index.Header.Checksum:x16}, not {checksum:x16} (the file was replaced)"));
            if (result is not null)
                return result;
            // Retired between the read and the lease: the next read sees its successor.
        }
    }

    /// <summary><paramref name="use"/> under a lease on <paramref name="entry"/>; null when it was retired meanwhile.</summary>
    private static T? Use<T>(Entry entry, Func<Entry, T> use) where T : class
    {
        if (!entry.Leases.TryAcquire())
            return null;
        try
        {
            return use(entry);
        }
        finally
        {
            entry.Release();
        }
    }

    /// <summary>What a file looked like when it was opened: a replacement changes its length or modification time.</summary>
    private readonly record struct FileStamp(long Length, DateTime Modified)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }

    private sealed class Entry(SparseIndex index, FileStamp stamp)
    {
        public SparseIndex Index { get; } = index;
        public FileStamp Stamp { get; set; } = stamp;
        public ConcurrentBag<SearchContext> Contexts { get; } = [];
        /// <summary>The catalog's lease (ended by <see cref="Retire"/>) and one per search using the file.</summary>
        public LeaseCount Leases { get; } = new();

        public static Entry Open(string path)
        {
            var stamp = FileStamp.Of(path);
            var index = SparseIndex.Open(path);
            try
            {
                _ = ShardSet.Spec(index); // a bad part property fails here, at start, naming nothing worse than the file
                return new Entry(index, stamp);
            }
            catch
            {
                index.Dispose();
                throw;
            }
        }

        public void Release()
        {
            if (Leases.Release(Index.Path))
                Index.Dispose();
        }

        /// <summary>The catalog lets go: the file closes when the last search on it ends.</summary>
        public void Retire() => Release();

        public ShardDescription Describe(string siloName) => new(
            System.IO.Path.GetFileName(Index.Path), siloName, Index.Path, ShardSet.Spec(Index)?.ToString(), Index.DocumentCount, Index.PostingCount,
            Index.ImpactScale, Index.Header.QuantBits, Index.Ranges is not null, Index.Header.Checksum, Index.FileLength, Stamp.Modified,
            Live: false, Index.Vocabulary.Count);
    }
}

/// <summary>What <see cref="ShardCatalog.Reload"/> changed: shard names added, replaced and removed, and the files that failed.</summary>
public sealed class ReloadResult
{
    public List<string> Added { get; } = [];
    public List<string> Replaced { get; } = [];
    public List<string> Removed { get; } = [];
    public List<(string Path, string Error)> Failed { get; } = [];

    public bool Changed => Added.Count + Replaced.Count + Removed.Count > 0;

    public override string ToString() =>
        $"{Added.Count} added, {Replaced.Count} replaced, {Removed.Count} removed"
        + string.Concat(Added.Select(n => $"; added {n}"), Replaced.Select(n => $"; replaced {n}"), Removed.Select(n => $"; removed {n}"), Failed.Select(f => $"; {f.Path} kept its old version or was skipped: {f.Error}"));
}
