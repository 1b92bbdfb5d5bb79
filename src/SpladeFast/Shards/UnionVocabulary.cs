using SpladeFast.Ingest;

namespace SpladeFast.Shards;

/// <summary>
/// Every shard's tokens in one vocabulary (first-seen order), with each shard's map from union term ids to its
/// own: queries are read against the union and translated per shard.
/// </summary>
public sealed class UnionVocabulary
{
    private readonly int[]?[] _localTerms;

    /// <param name="shardTokens">Each shard's tokens, in its term id order.</param>
    public UnionVocabulary(IReadOnlyList<IReadOnlyList<string>> shardTokens)
    {
        Vocabulary = new Vocabulary();
        foreach (var tokens in shardTokens)
        {
            foreach (string token in tokens)
                Vocabulary.GetOrAdd(token);
        }
        _localTerms = shardTokens.Select(tokens => LocalTerms(tokens, Vocabulary)).ToArray();
    }

    /// <summary>Every shard's tokens, in first-seen order: the union term ids.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Shard <paramref name="shard"/>'s term id for a union term id, or -1; null when the ids agree.</summary>
    public int[]? LocalTerms(int shard) => _localTerms[shard];

    /// <summary>The query in shard <paramref name="shard"/>'s term ids, without the terms it lacks.</summary>
    public QueryVector LocalQuery(QueryVector query, int shard) => MapTerms(query, _localTerms[shard]);

    /// <summary>
    /// The query in another index's term ids: <paramref name="map"/>[t] is term t's id there, or -1 (a term past the
    /// map's end is absent too); terms absent there are dropped. Null keeps the query as it is.
    /// </summary>
    public static QueryVector MapTerms(QueryVector query, int[]? map)
    {
        if (map is null)
            return query;
        var terms = new List<QueryTerm>(query.Terms.Length);
        foreach (var term in query.Terms)
        {
            if ((uint)term.TermId < (uint)map.Length && map[term.TermId] >= 0)
                terms.Add(term with { TermId = map[term.TermId] });
        }
        return query with { Terms = [.. terms] };
    }

    private static int[]? LocalTerms(IReadOnlyList<string> local, Vocabulary union)
    {
        if (local.SequenceEqual(union.Tokens))
            return null;
        var ids = new Dictionary<string, int>(local.Count, StringComparer.Ordinal);
        for (int t = 0; t < local.Count; t++)
            ids.TryAdd(local[t], t);
        var map = new int[union.Count];
        for (int t = 0; t < map.Length; t++)
            map[t] = ids.TryGetValue(union[t], out int id) ? id : -1;
        return map;
    }
}
