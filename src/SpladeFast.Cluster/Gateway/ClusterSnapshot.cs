using System.Collections.Concurrent;
using System.Globalization;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Cluster.Grains;
using SpladeFast.Ingest;
using SpladeFast.Server;
using SpladeFast.Shards;
using SpladeFast.TopK;

namespace SpladeFast.Cluster.Gateway;

/// <summary>
/// The cluster's shards at one moment: one version of each shard ever seen (whether a replica is up or not), their
/// union vocabulary and their place in the global document order. Queries go to the replicas up when they are
/// asked. A new shard, a replaced file or a live shard's new tokens make a new snapshot
/// (<see cref="ClusterGateway.ShardsChanged"/>). Document order, which breaks ties: the file shards' global input
/// order first (as one index over all of them), then each live shard's documents, shards by name, each in insertion order.
/// </summary>
public sealed class ClusterSnapshot : IShardSearch
{
    private readonly ClusterGateway _gateway;
    private readonly int _fileShards;

    /// <param name="gateway">The gateway that sends the queries.</param>
    /// <param name="shards">File shards first, in global order, then live shards by name.</param>
    /// <param name="tokens">Each shard's tokens, in its term id order.</param>
    /// <param name="neverSeen">Shards expected but never seen.</param>
    internal ClusterSnapshot(ClusterGateway gateway, IReadOnlyList<ShardDescription> shards, IReadOnlyList<IReadOnlyList<string>> tokens, IReadOnlyList<string> neverSeen)
    {
        _gateway = gateway;
        var first = shards[0];
        if (shards.FirstOrDefault(s => s.ImpactScale != first.ImpactScale || s.QuantBits != first.QuantBits) is { } other)
        {
            throw new InvalidOperationException($"shard {other.Name} on {other.SiloName} quantizes differently from {first.Name} on {first.SiloName}, "
                + "so their scores do not compare; build shards with the fixed-scale quantizer (--quant-bits 0)");
        }
        Shards = shards;
        NeverSeen = neverSeen;
        var files = shards.Where(s => !s.Live).ToList();
        _fileShards = files.Count;
        Layout = new ShardLayout(files.Select(s => s.Part is { } part ? ShardSpec.Parse(part) : (ShardSpec?)null).ToArray(),
            files.Select(s => s.Documents).ToArray(), files.Select(s => s.Name).ToArray());
        Terms = new UnionVocabulary(tokens);
    }

    /// <summary>The shards in global order (by part).</summary>
    public IReadOnlyList<ShardDescription> Shards { get; }

    /// <summary>Shards expected (config, or a missing round-robin part) but never seen: every answer lacks them.</summary>
    public IReadOnlyList<string> NeverSeen { get; }

    /// <summary>The file shards' global document order (live shards come after them).</summary>
    public ShardLayout Layout { get; }

    /// <summary>Where shard <paramref name="shard"/>'s document with input ordinal (a live shard's: sequence number) <paramref name="ordinal"/> is in the cluster's document order.</summary>
    public ulong Order(int shard, uint ordinal) => shard < _fileShards ? Layout.Combine(shard, ordinal) : ((ulong)(shard - _fileShards + 1) << 32) | ordinal;
    public UnionVocabulary Terms { get; }
    public Vocabulary Vocabulary => Terms.Vocabulary;
    public double ImpactScale => Shards[0].ImpactScale;
    public bool HasRanges => Shards.All(s => s.HasRanges);
    /// <summary>Documents now: live shards' as last read (after each write through this gateway, and each refresh).</summary>
    public long Documents => Shards.Sum(s => _gateway.Latest(s).Documents);
    public long Postings => Shards.Sum(s => _gateway.Latest(s).Postings);
    public IReadOnlyList<string> ShardNames => Shards.Select(s => s.Name).ToList();

    /// <summary>Every replica now up, as <c>silo:path</c>.</summary>
    public IReadOnlyList<IndexFileResponse> Files => _gateway.Replicas.Values.SelectMany(r => r).OrderBy(r => r.Description.Name, StringComparer.Ordinal)
        .Select(r => new IndexFileResponse($"{r.Description.SiloName}:{r.Description.Path}", r.Description.Bytes, r.Description.Modified,
            r.Description.Checksum.ToString("x16", CultureInfo.InvariantCulture))).ToList();

    public ISearchAlgorithm Algorithm(string name, int k) => SearchAlgorithms.Resolve(name, HasRanges, k, Documents / Shards.Count);

    public ShardSearchResult Search(QueryVector query, int k, ISearchAlgorithm algorithm, bool storedSources)
    {
        if (storedSources)
            throw new BadRequestException("stored fields are not returned through a cluster gateway; leave out 'fields'");
        if (algorithm is BlockMaxPruning && !HasRanges)
            throw new BadRequestException("bmp needs shards built with --bmp");
        var answer = _gateway.SearchAsync(this, query, k, algorithm, initialThreshold: true).GetAwaiter().GetResult();
        return new ShardSearchResult(answer.Hits.Select(h => new ShardHit(h.Id, h.Score)).ToArray(), answer.MissingShards);
    }

    /// <summary>A searcher for <c>query --cluster</c>: hits carry the numbers <paramref name="documentIds"/> gives their documents.</summary>
    public IQuerySearcher CreateSearcher(ClusterDocumentIds documentIds, ConcurrentBag<string> partialQueries) =>
        new Searcher(this, documentIds, partialQueries);

    /// <summary>Nothing to close: the gateway owns the connection.</summary>
    public void Dispose()
    {
    }

    private sealed class Searcher(ClusterSnapshot snapshot, ClusterDocumentIds documentIds, ConcurrentBag<string> partialQueries) : IQuerySearcher
    {
        private SearchHit[] _hits = [];
        private long _postings, _scored;

        public bool InitialThreshold { get; set; } = true;
        public long DocumentsScored => _scored;
        public long PostingsDecoded => _postings;

        public void ResetCounters() => (_postings, _scored) = (0, 0);

        public ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor = 1)
        {
            if (thresholdFactor != 1)
                throw new ArgumentException("a cluster answers exactly: --overestimate is not supported with --cluster");
            var answer = snapshot._gateway.SearchAsync(snapshot, query, k, algorithm, InitialThreshold).GetAwaiter().GetResult();
            _postings += answer.PostingsDecoded;
            _scored += answer.DocumentsScored;
            if (_hits.Length < answer.Hits.Length)
                _hits = new SearchHit[answer.Hits.Length];
            for (int i = 0; i < answer.Hits.Length; i++)
                _hits[i] = new SearchHit(documentIds.Number(answer.Hits[i].Id), answer.Hits[i].Score);
            if (answer.MissingShards.Count > 0)
                partialQueries.Add($"{query.Id} (missing {string.Join(", ", answer.MissingShards)})");
            return _hits.AsSpan(0, answer.Hits.Length);
        }
    }
}

/// <summary>
/// Numbers the documents a <c>query --cluster</c> run returns, and names them back: hits carry a 32-bit docid, and
/// a cluster's document order (with live shards) does not fit one. One instance per run; thread-safe.
/// </summary>
public sealed class ClusterDocumentIds
{
    private readonly ConcurrentDictionary<string, uint> _numbers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, string> _ids = new();
    private int _next = -1;

    /// <summary>The number of document <paramref name="id"/>, the same every time.</summary>
    public uint Number(string id) => _numbers.GetOrAdd(id, static (id, self) =>
    {
        uint number = (uint)Interlocked.Increment(ref self._next);
        self._ids[number] = id;
        return number;
    }, this);

    /// <summary>The id of the document numbered <paramref name="number"/>.</summary>
    /// <exception cref="KeyNotFoundException">No document has that number.</exception>
    public string this[uint number] => _ids[number];
}
