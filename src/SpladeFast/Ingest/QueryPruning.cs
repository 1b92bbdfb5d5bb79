namespace SpladeFast.Ingest;

/// <summary>
/// Approximate query-side pruning (off by default): keep a query's heaviest terms, by count or by share of
/// the query's total weight. Ties in weight keep the smaller term id, so the result is deterministic.
/// A <see cref="TopTerms"/> of 0 and a <see cref="Mass"/> of 0 or 1 mean no limit (so <c>default</c> is exact).
/// </summary>
public readonly record struct QueryPruning(int TopTerms = 0, double Mass = 1)
{
    private bool LimitsMass => Mass is > 0 and < 1;

    /// <summary>Whether no term is removed.</summary>
    public bool IsExact => TopTerms <= 0 && !LimitsMass;

    /// <summary><paramref name="query"/> with only its heaviest terms kept (itself when exact); terms stay in term-id order.</summary>
    public QueryVector Apply(QueryVector query)
    {
        if (IsExact)
            return query;
        var byWeight = query.Terms.OrderByDescending(t => t.Weight).ThenBy(t => t.TermId).ToList();
        if (TopTerms > 0 && byWeight.Count > TopTerms)
            byWeight.RemoveRange(TopTerms, byWeight.Count - TopTerms);
        if (LimitsMass)
        {
            double total = query.Terms.Sum(t => (double)t.Weight), kept = 0;
            int keep = 0;
            while (keep < byWeight.Count && kept < Mass * total)
                kept += byWeight[keep++].Weight;
            byWeight.RemoveRange(keep, byWeight.Count - keep);
        }
        return query with { Terms = [.. byWeight.OrderBy(t => t.TermId)] };
    }

    /// <summary>"exact", or the approximation for reports (the percent in the current culture).</summary>
    public string Describe() =>
        IsExact ? "exact" : $"APPROXIMATE query pruning (top {(TopTerms > 0 ? TopTerms.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")} terms, {Mass:P0} of the weight)";
}
