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
/// asked. A new shard or a replaced file makes a new snapshot (<see cref="ClusterGateway.ShardsChanged"/>).
/// </summary>
public sealed class ClusterSnapshot : IShardSearch
{
    private readonly ClusterGateway _gateway;

    internal ClusterSnapshot(ClusterGateway gateway, IReadOnlyList<ShardDescription> shards, IReadOnlyList<string[]> tokens, IReadOnlyList<string> neverSeen)
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
        Layout = new ShardLayout(shards.Select(s => s.Part is { } part ? ShardSpec.Parse(part) : (ShardSpec?)null).ToArray(),
            shards.Select(s => s.Documents).ToArray(), shards.Select(s => s.Name).ToArray());
        Terms = new UnionVocabulary(tokens);
    }

    /// <summary>The shards in global order (by part).</summary>
    public IReadOnlyList<ShardDescription> Shards { get; }

    /// <summary>Shards expected (config, or a missing round-robin part) but never seen: every answer lacks them.</summary>
    public IReadOnlyList<string> NeverSeen { get; }

    public ShardLayout Layout { get; }
    public UnionVocabulary Terms { get; }
    public Vocabulary Vocabulary => Terms.Vocabulary;
    public double ImpactScale => Shards[0].ImpactScale;
    public bool HasRanges => Shards.All(s => s.HasRanges);
    public long Documents => Shards.Sum(s => s.Documents);
    public long Postings => Shards.Sum(s => s.Postings);
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
        var hits = new ShardHit[answer.Hits.Length];
        for (int i = 0; i < hits.Length; i++)
            hits[i] = new ShardHit(answer.Ids[i], answer.Hits[i].Score);
        return new ShardSearchResult(hits, answer.MissingShards);
    }

    /// <summary>A searcher for <c>query --cluster</c>: hits carry global input ordinals, named by <paramref name="documentIds"/>.</summary>
    public IQuerySearcher CreateSearcher(ConcurrentDictionary<uint, string> documentIds, ConcurrentBag<string> partialQueries) =>
        new Searcher(this, documentIds, partialQueries);

    /// <summary>Nothing to close: the gateway owns the connection.</summary>
    public void Dispose()
    {
    }

    private sealed class Searcher(ClusterSnapshot snapshot, ConcurrentDictionary<uint, string> documentIds, ConcurrentBag<string> partialQueries) : IQuerySearcher
    {
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
            for (int i = 0; i < answer.Hits.Length; i++)
                documentIds.TryAdd(answer.Hits[i].DocId, answer.Ids[i]);
            if (answer.MissingShards.Count > 0)
                partialQueries.Add($"{query.Id} (missing {string.Join(", ", answer.MissingShards)})");
            return answer.Hits;
        }
    }
}
