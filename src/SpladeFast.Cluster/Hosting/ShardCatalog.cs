using System.Collections.Concurrent;
using SpladeFast.Algorithms;
using SpladeFast.Cluster.Grains;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Shards;

namespace SpladeFast.Cluster.Hosting;

/// <summary>
/// The shard files one silo holds, opened (memory-mapped, checksums verified) when the silo starts, with a pool of
/// search contexts per shard: the silo's grain answers from it, several queries at once.
/// </summary>
public sealed class ShardCatalog : IDisposable
{
    private readonly Dictionary<string, Entry> _shards;

    private ShardCatalog(string siloName, IEnumerable<SparseIndex> shards)
    {
        SiloName = siloName;
        _shards = shards.ToDictionary(s => System.IO.Path.GetFileName(s.Path), s => new Entry(s), StringComparer.Ordinal);
    }

    /// <summary>Opens the shard files: index files, or directories whose <c>*.sfi</c> files are shards.</summary>
    /// <exception cref="ArgumentException">No index file given or found, or two with one file name.</exception>
    /// <exception cref="Format.IndexCorruptException">A file is damaged.</exception>
    public static ShardCatalog Open(string siloName, IReadOnlyList<string> filesOrDirectories)
    {
        var paths = filesOrDirectories.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p, "*.sfi").Order(StringComparer.Ordinal) : (IEnumerable<string>)[p])
            .Select(System.IO.Path.GetFullPath).ToList();
        if (paths.Count == 0)
            throw new ArgumentException($"no index files (*.sfi) in {string.Join(", ", filesOrDirectories)}");
        if (paths.GroupBy(System.IO.Path.GetFileName).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"two shards named {twice.Key}: {string.Join(", ", twice)}; a shard's file name is its name in the cluster");
        var opened = new List<SparseIndex>();
        try
        {
            foreach (string path in paths)
            {
                var shard = SparseIndex.Open(path);
                opened.Add(shard);
                _ = ShardSet.Spec(shard); // a bad part property fails here, at start, naming nothing worse than the file
            }
            return new ShardCatalog(siloName, opened);
        }
        catch
        {
            opened.ForEach(s => s.Dispose());
            throw;
        }
    }

    public string SiloName { get; }

    public IReadOnlyCollection<string> Names => _shards.Keys;

    public ShardDescription[] Describe() => _shards.Values.Select(e => e.Describe(SiloName)).ToArray();

    /// <exception cref="KeyNotFoundException">This silo holds no shard of that name.</exception>
    public string[] Tokens(string shard) => [.. Get(shard).Index.Vocabulary.Tokens];

    /// <summary>Answers a query on one shard (any thread).</summary>
    /// <exception cref="ArgumentException">Unknown algorithm, bmp without range data, or mismatched term and weight arrays.</exception>
    public ShardAnswer Search(string shard, ShardQuery query)
    {
        var entry = Get(shard);
        if (query.TermIds.Length != query.Weights.Length)
            throw new ArgumentException($"query {query.QueryId}: {query.TermIds.Length} term ids but {query.Weights.Length} weights");
        var algorithm = SearchAlgorithms.Get(query.Algorithm);
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
            var ordinals = new uint[hits.Length];
            var scores = new long[hits.Length];
            var ids = new string[hits.Length];
            for (int i = 0; i < hits.Length; i++)
            {
                ordinals[i] = entry.Index.Order.Ordinal(hits[i].DocId);
                scores[i] = hits[i].Score;
                ids[i] = entry.Index.DocumentId(hits[i].DocId);
            }
            return new ShardAnswer(ordinals, scores, ids, context.PostingsDecoded, context.DocumentsScored);
        }
        finally
        {
            entry.Contexts.Add(context);
        }
    }

    public void Dispose()
    {
        foreach (var entry in _shards.Values)
            entry.Index.Dispose();
    }

    private Entry Get(string shard) =>
        _shards.TryGetValue(shard, out var entry) ? entry : throw new KeyNotFoundException($"silo {SiloName} holds no shard {shard}");

    private sealed class Entry(SparseIndex index)
    {
        public SparseIndex Index { get; } = index;
        public ConcurrentBag<SearchContext> Contexts { get; } = [];

        public ShardDescription Describe(string siloName) => new(
            System.IO.Path.GetFileName(Index.Path), siloName, Index.Path, ShardSet.Spec(Index)?.ToString(), Index.DocumentCount, Index.PostingCount,
            Index.ImpactScale, Index.Header.QuantBits, Index.Ranges is not null, Index.Header.Checksum, Index.FileLength, File.GetLastWriteTimeUtc(Index.Path));
    }
}
