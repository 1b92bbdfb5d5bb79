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
        Run(o => QueryRunner.Run(index, queries, o), queries, algorithms, options);

    /// <summary>The same over a live index's snapshot (hits carry sequence numbers).</summary>
    public static Result Run(Live.LiveSnapshot snapshot, IReadOnlyList<QueryVector> queries, IReadOnlyList<ISearchAlgorithm> algorithms, QueryRunOptions options) =>
        Run(o => QueryRunner.Run(snapshot, queries, o), queries, algorithms, options);

    private static Result Run(Func<QueryRunOptions, QueryRunResult> runQueries, IReadOnlyList<QueryVector> queries, IReadOnlyList<ISearchAlgorithm> algorithms, QueryRunOptions options)
    {
        var runs = new List<QueryRunResult>();
        var mismatches = new List<string>();
        foreach (var algorithm in algorithms)
        {
            var run = runQueries(options with { Algorithm = algorithm });
            int wrong = Enumerable.Range(0, queries.Count).Count(q => !run.Hits[q].AsSpan().SequenceEqual(runs.FirstOrDefault()?.Hits[q] ?? run.Hits[q]));
            if (wrong > 0)
                mismatches.Add($"{algorithm.Name}: {wrong} of {queries.Count} queries differ from {runs[0].Algorithm}'s top-{options.K}");
            runs.Add(run);
        }
        return new Result(runs, mismatches);
    }
}
