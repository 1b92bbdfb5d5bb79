using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Execution;

/// <summary>Runs several algorithms over the same queries and checks each against the first (the reference).</summary>
public static class AlgorithmComparison
{
    /// <summary>Every algorithm's run, and the queries where one differs from the reference.</summary>
    /// <param name="Runs">One per algorithm, in the order given.</param>
    /// <param name="Mismatches">One line per algorithm whose top k differs from the reference's on some query; empty when all agree.</param>
    public sealed record Result(IReadOnlyList<QueryRunResult> Runs, IReadOnlyList<string> Mismatches);

    /// <param name="options">Everything but the algorithm, which each run sets; every run reports to its progress.</param>
    /// <param name="index">The index every run searches.</param>
    /// <param name="queries">The queries, answered by each algorithm in turn.</param>
    /// <param name="algorithms">The first is the reference the others are checked against.</param>
    public static Result Run(SparseIndex index, IReadOnlyList<QueryVector> queries, IReadOnlyList<ISearchAlgorithm> algorithms, QueryRunOptions options) =>
        Run(() => new SearchContext(index), queries, algorithms, options);

    /// <summary>The same with any searcher (shards, a live index's snapshot: hits carry its docids), one per thread.</summary>
    public static Result Run(Func<IQuerySearcher> createSearcher, IReadOnlyList<QueryVector> queries, IReadOnlyList<ISearchAlgorithm> algorithms, QueryRunOptions options)
    {
        var runs = new List<QueryRunResult>();
        var mismatches = new List<string>();
        foreach (var algorithm in algorithms)
        {
            var run = QueryRunner.Run(createSearcher, queries, options with { Algorithm = algorithm });
            int wrong = Enumerable.Range(0, queries.Count).Count(q => !run.Hits[q].AsSpan().SequenceEqual(runs.FirstOrDefault()?.Hits[q] ?? run.Hits[q]));
            if (wrong > 0)
                mismatches.Add($"{algorithm.Name}: {wrong} of {queries.Count} queries differ from {runs[0].Algorithm}'s top-{options.K}");
            runs.Add(run);
        }
        return new Result(runs, mismatches);
    }
}
