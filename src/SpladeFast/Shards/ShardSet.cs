using System.IO.Hashing;
using SpladeFast.Build;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Shards;

/// <summary>
/// Several indexes searched as one collection. Global document order, which breaks score ties exactly as one
/// index over all documents would: shards built with <c>index --shard i/n</c> interleave (global = local x n + i);
/// any other shards follow each other in the order given. Queries use the union vocabulary; shards must quantize
/// alike so that their scores compare.
/// </summary>
public sealed class ShardSet : IDisposable
{
    private readonly SparseIndex[] _shards;
    private readonly ShardLayout _layout;
    private readonly UnionVocabulary _terms;

    private ShardSet(SparseIndex[] shards)
    {
        _shards = shards;
        var first = shards[0];
        foreach (var shard in shards)
        {
            if (shard.ImpactScale != first.ImpactScale || shard.Header.QuantBits != first.Header.QuantBits)
            {
                throw new InvalidOperationException($"{shard.Path} quantizes differently from {first.Path} ({shard.Metadata.Quantization} vs {first.Metadata.Quantization}), "
                    + "so their scores do not compare; build shards with the fixed-scale quantizer (--quant-bits 0)");
            }
        }
        _layout = new ShardLayout(shards.Select(Spec).ToArray(), shards.Select(s => (long)s.DocumentCount).ToArray(), shards.Select(s => s.Path).ToArray());
        CheckDistinctDocuments(shards);
        _terms = new UnionVocabulary(shards.Select(s => s.Vocabulary.Tokens).ToArray());
    }

    /// <summary>Opens every shard (see <see cref="SparseIndex.Open(string, IndexStorageKind, bool)"/>); on any failure the ones opened are closed.</summary>
    /// <param name="paths">The shard files, in global document order for consecutive pieces.</param>
    /// <param name="storage">Mapped (default) or read into memory.</param>
    /// <param name="verifyChecksums">Verify every section's checksum.</param>
    /// <exception cref="ArgumentException">No path.</exception>
    /// <exception cref="InvalidOperationException">Shards that do not fit together: they quantize differently, or share a document id.</exception>
    /// <exception cref="Format.IndexCorruptException">A shard is damaged or of an unsupported format version.</exception>
    public static ShardSet Open(IReadOnlyList<string> paths, IndexStorageKind storage = IndexStorageKind.MemoryMapped, bool verifyChecksums = true)
    {
        if (paths.Count == 0)
            throw new ArgumentException("give at least one index", nameof(paths));
        var shards = new List<SparseIndex>();
        try
        {
            foreach (string path in paths)
                shards.Add(SparseIndex.Open(path, storage, verifyChecksums));
            return new ShardSet([.. shards]);
        }
        catch
        {
            shards.ForEach(s => s.Dispose());
            throw;
        }
    }

    /// <summary>The shards, in the order given.</summary>
    public IReadOnlyList<SparseIndex> Shards => _shards;

    /// <summary>Every shard's tokens, in first-seen order; query vectors are read against it.</summary>
    public Vocabulary Vocabulary => _terms.Vocabulary;

    /// <summary>The union vocabulary with each shard's term map.</summary>
    public UnionVocabulary Terms => _terms;

    /// <summary>One past the largest global docid (with a missing round-robin part, some ids are unused).</summary>
    public uint DocumentCount => _layout.DocumentCount;

    /// <summary>Documents held by all shards together.</summary>
    public long TotalDocuments => _shards.Sum(s => (long)s.DocumentCount);

    /// <summary>Whether every shard has bmp range data.</summary>
    public bool HasRanges => _shards.All(s => s.Ranges is not null);

    /// <summary>The documents each shard searches, on average: what a per-shard top-k is deep against.</summary>
    public long DocumentsPerShard => TotalDocuments / _shards.Length;

    /// <summary>A new searcher over the set (one per thread): the index itself when there is one shard, else a <see cref="ShardedSearcher"/>.</summary>
    public Algorithms.IQuerySearcher CreateSearcher() => Shards.Count == 1 ? new Algorithms.SearchContext(Shards[0]) : new ShardedSearcher(this);

    /// <summary>The algorithm a name asks for over these shards at depth <paramref name="k"/>, auto resolved.</summary>
    /// <exception cref="ArgumentException">No algorithm has that name.</exception>
    public Algorithms.ISearchAlgorithm Algorithm(string name, int k) => Algorithms.SearchAlgorithms.Resolve(name, HasRanges, k, DocumentsPerShard);

    /// <summary>Postings over all shards.</summary>
    public long PostingCount => _shards.Sum(s => s.PostingCount);

    /// <summary>The shards' common impact scale.</summary>
    public double ImpactScale => _shards[0].ImpactScale;

    /// <summary>True when the shards are round-robin parts (<c>index --shard</c>) rather than consecutive pieces.</summary>
    public bool IsInterleaved => _layout.IsInterleaved;

    /// <summary>A shard document's global docid.</summary>
    public uint GlobalDocId(int shard, uint localDocId) => Combine(shard, localDocId);

    /// <summary>The shard and local docid of a global docid, or (-1, 0) for an unused id.</summary>
    public (int Shard, uint LocalDocId) Locate(uint globalDocId) => Split(globalDocId);

    /// <summary>
    /// A shard document's place in the global input order, from its input ordinal in the shard: score ties break
    /// by it, so reordered shards rank ties as the plain index over all documents would.
    /// </summary>
    public uint GlobalOrdinal(int shard, uint localDocId) => Combine(shard, _shards[shard].Order.Ordinal(localDocId));

    /// <summary>The shard and local docid of a global input ordinal, or (-1, 0) for an unused one.</summary>
    public (int Shard, uint LocalDocId) LocateOrdinal(uint globalOrdinal)
    {
        var (shard, ordinal) = Split(globalOrdinal);
        return shard < 0 ? (-1, 0) : (shard, _shards[shard].Order.DocId(ordinal));
    }

    private uint Combine(int shard, uint local) => _layout.Combine(shard, local);

    private (int Shard, uint Local) Split(uint global) => _layout.Split(global);

    /// <summary>True when some shard's docids do not follow global order, so merged postings need sorting.</summary>
    public bool NeedsSortedMerge => IsInterleaved || _shards.Any(s => !s.Order.IsIdentity);

    /// <summary>The id of the document at <paramref name="globalDocId"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unused or out-of-range global docid.</exception>
    public string DocumentId(uint globalDocId)
    {
        var (shard, local) = Locate(globalDocId);
        if (shard < 0)
            ThrowHelper.ArgumentOutOfRange(nameof(globalDocId), $"no document has global id {globalDocId}");
        return _shards[shard].DocumentId(local);
    }

    /// <summary>Shard <paramref name="shard"/>'s term id for a union term id, or -1; null when the ids agree.</summary>
    public int[]? LocalTerms(int shard) => _terms.LocalTerms(shard);

    /// <summary>Closes every shard.</summary>
    public void Dispose()
    {
        foreach (var shard in _shards)
            shard.Dispose();
    }

    /// <summary>
    /// Shards must hold distinct documents, or a document would be returned twice: ids are compared by a 64-bit
    /// hash of their bytes, and a hash seen twice by the ids themselves.
    /// </summary>
    /// <exception cref="InvalidOperationException">A document id is in two shards, naming both files.</exception>
    private static void CheckDistinctDocuments(SparseIndex[] shards)
    {
        if (shards.Length < 2)
            return;
        var seen = new Dictionary<ulong, (int Shard, uint DocId)>(shards.Sum(s => s.DocumentCount));
        for (int s = 0; s < shards.Length; s++)
        {
            for (uint d = 0; d < (uint)shards[s].DocumentCount; d++)
            {
                var id = shards[s].DocumentIdUtf8(d);
                ulong hash = XxHash3.HashToUInt64(id);
                if (seen.TryAdd(hash, (s, d)))
                    continue;
                var (first, firstDoc) = seen[hash];
                if (!shards[first].DocumentIdUtf8(firstDoc).SequenceEqual(id))
                    continue; // two ids with one hash, not one id twice
                throw new InvalidOperationException(first == s
                    ? $"{shards[s].Path}: document id '{shards[s].DocumentId(d)}' appears twice"
                    : $"document id '{shards[s].DocumentId(d)}' is in both {shards[first].Path} and {shards[s].Path}; shards must hold distinct documents");
            }
        }
    }

    /// <summary>The round-robin part a shard was built as (<c>index --shard i/n</c>), or null.</summary>
    public static ShardSpec? Spec(SparseIndex shard) =>
        shard.Metadata.Properties.TryGetValue(ShardSpec.PropertyName, out var text) ? ShardSpec.Parse(text) : null;
}
