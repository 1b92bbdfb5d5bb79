namespace SpladeFast.Ingest;

/// <summary>A query term with its integer weight (distinct term ids within a query).</summary>
public readonly record struct QueryTerm(int TermId, uint Weight);

/// <summary>A quantized query: scores are sums of weight x impact, all integers.</summary>
public sealed record QueryVector(string Id, QueryTerm[] Terms);

/// <summary>
/// Queries read from one file. <see cref="WeightScale"/> is what float weights were multiplied by (1 for
/// Anserini's token-count TSV), so a score divided by WeightScale x the index's impact scale is back in the
/// units of the original weights.
/// </summary>
public sealed record QuerySet(IReadOnlyList<QueryVector> Queries, double WeightScale, long SkippedTokens, long SkippedQueries);
