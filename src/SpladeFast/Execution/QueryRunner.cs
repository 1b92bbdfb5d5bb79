using System.Diagnostics;
using System.Runtime.ExceptionServices;
using SpladeFast.Algorithms;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Shards;
using SpladeFast.TopK;

namespace SpladeFast.Execution;

/// <summary>How <see cref="QueryRunner"/> answers a query set.</summary>
public sealed record QueryRunOptions
{
    /// <summary>The algorithm every query runs with.</summary>
    public required ISearchAlgorithm Algorithm { get; init; }
    /// <summary>Hits per query.</summary>
    public int K { get; init; } = 1000;
    /// <summary>Threads answering queries, one query each at a time.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Above 1: pruning algorithms overestimate the threshold (approximate).</summary>
    public double ThresholdFactor { get; init; } = 1;
    /// <summary>Start from the index's safe per-term thresholds (exact; off only to measure their effect).</summary>
    public bool InitialThreshold { get; init; } = true;
    /// <summary>Queries answered before timing (caches, JIT tiering); excluded from the report. -1: min(100, n / 10).</summary>
    public int WarmupQueries { get; init; } = -1;
    /// <summary>
    /// The warm-up queries are answered again until this much time has passed: the runtime compiles hot methods
    /// anew only after they have run for a while, and a fast algorithm answers 100 queries long before that.
    /// </summary>
    public TimeSpan WarmupTime { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Receives the warm-up's and the run's progress, in queries.</summary>
    public IProgress<BuildProgress>? Progress { get; init; }
}

/// <summary>The answers and measurements of one query run.</summary>
/// <param name="Algorithm">The algorithm's name.</param>
/// <param name="K">Hits asked per query.</param>
/// <param name="Threads">Threads that answered.</param>
/// <param name="Hits">Each query's hits, best first, in query order.</param>
/// <param name="LatencyMilliseconds">Each timed query's latency in milliseconds (warm-up excluded).</param>
/// <param name="PostingsDecoded">Postings decoded over the timed queries.</param>
/// <param name="DocumentsScored">Documents scored over the timed queries.</param>
/// <param name="WallTime">Wall-clock time of the timed queries.</param>
public sealed record QueryRunResult(
    string Algorithm, int K, int Threads, SearchHit[][] Hits, double[] LatencyMilliseconds,
    long PostingsDecoded, long DocumentsScored, TimeSpan WallTime)
{
    /// <summary>Mean, percentiles and throughput of <see cref="LatencyMilliseconds"/>.</summary>
    public LatencyStatistics Latency => LatencyStatistics.From(LatencyMilliseconds, WallTime);

    /// <summary>Postings decoded per timed query (the warm-up excluded), as reports show it.</summary>
    public double PostingsPerQuery => LatencyMilliseconds.Length == 0 ? 0 : (double)PostingsDecoded / LatencyMilliseconds.Length;

    /// <summary>Documents scored per timed query.</summary>
    public double DocumentsScoredPerQuery => LatencyMilliseconds.Length == 0 ? 0 : (double)DocumentsScored / LatencyMilliseconds.Length;
}

/// <summary>
/// Answers a query set with any <see cref="IQuerySearcher"/> (one index, shards, a live index's segments, a
/// cluster, a GPU's batches): one query per thread at a time, each thread with its own searcher, or the whole set
/// at once for an <see cref="IBatchQuerySearcher"/>. Results do not depend on the thread count: every query is
/// answered independently.
/// </summary>
public static class QueryRunner
{
    /// <summary>Answers <paramref name="queries"/> over one index with <paramref name="options"/>.</summary>
    public static QueryRunResult Run(SparseIndex index, IReadOnlyList<QueryVector> queries, QueryRunOptions options) =>
        Run(() => new SearchContext(index), queries, options);

    /// <summary>Searches several shards as one collection; hits carry global docids.</summary>
    public static QueryRunResult Run(ShardSet shards, IReadOnlyList<QueryVector> queries, QueryRunOptions options) =>
        Run(shards.CreateSearcher, queries, options);

    /// <summary>Answers with searchers made by <paramref name="createSearcher"/>, one per thread (a cluster gateway's, say).</summary>
    public static QueryRunResult Run(Func<IQuerySearcher> createSearcher, IReadOnlyList<QueryVector> queries, QueryRunOptions options)
    {
        if (options.K < 1)
            ThrowHelper.ArgumentOutOfRange(nameof(options), "k must be at least 1.");
        if (options.Threads < 1)
            ThrowHelper.ArgumentOutOfRange(nameof(options), "threads must be at least 1.");
        var first = createSearcher();
        if (first is IBatchQuerySearcher batches)
            return RunBatches(batches, queries, options);
        int threads = Math.Min(options.Threads, Math.Max(1, queries.Count));
        var contexts = Enumerable.Range(0, threads).Select(t => t == 0 ? first : createSearcher()).ToArray();
        foreach (var context in contexts)
            context.InitialThreshold = options.InitialThreshold;
        int warmup = Math.Min(queries.Count, options.WarmupQueries >= 0 ? options.WarmupQueries : Math.Min(100, queries.Count / 10));
        var warming = Stopwatch.StartNew();
        string warmupStage = $"{options.Algorithm.Name} warm-up";
        long warmupMilliseconds = (long)options.WarmupTime.TotalMilliseconds;
        for (int q = 0; q < warmup || (warmup > 0 && warming.Elapsed < options.WarmupTime); q++)
        {
            contexts[q % threads].Search(queries[q % warmup], options.K, options.Algorithm, options.ThresholdFactor);
            if ((q & 63) == 0 && warming.ElapsedMilliseconds is var elapsed && elapsed < warmupMilliseconds)
                options.Progress?.Report(new BuildProgress(warmupStage, elapsed, warmupMilliseconds, "ms"));
        }
        if (warmup > 0) // it ends when both the time and the first queries are done: say how long it took
            options.Progress?.Report(new BuildProgress(warmupStage, warming.ElapsedMilliseconds, warming.ElapsedMilliseconds, "ms"));
        foreach (var context in contexts)
            context.ResetCounters();

        var hits = new SearchHit[queries.Count][];
        var latencies = new double[queries.Count];
        int next = -1, done = 0;
        options.Progress?.Report(new BuildProgress(options.Algorithm.Name, 0, queries.Count, "queries")); // starts the stage's clock
        var wall = Stopwatch.StartNew();
        ExceptionDispatchInfo? failure = null;
        void Worker(IQuerySearcher context)
        {
            int q;
            try
            {
                while ((q = Interlocked.Increment(ref next)) < queries.Count)
                {
                    long start = Stopwatch.GetTimestamp();
                    var result = context.Search(queries[q], options.K, options.Algorithm, options.ThresholdFactor);
                    latencies[q] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    hits[q] = result.ToArray();
                    int finished = Interlocked.Increment(ref done);
                    if ((finished & 255) == 0)
                        options.Progress?.Report(new BuildProgress(options.Algorithm.Name, finished, queries.Count, "queries"));
                }
            }
            catch (Exception e)
            {
                // An exception on a worker thread would end the process: the caller rethrows the first one instead,
                // and the other workers stop taking queries.
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                Volatile.Write(ref next, queries.Count);
            }
        }
        if (threads == 1)
        {
            Worker(contexts[0]);
        }
        else
        {
            var workers = contexts.Select(c => new Thread(() => Worker(c)) { IsBackground = true }).ToArray();
            foreach (var w in workers)
                w.Start();
            foreach (var w in workers)
                w.Join();
        }
        failure?.Throw();
        wall.Stop();
        options.Progress?.Report(new BuildProgress(options.Algorithm.Name, queries.Count, queries.Count, "queries"));
        return new QueryRunResult(options.Algorithm.Name, options.K, threads, hits, latencies,
            contexts.Sum(c => c.PostingsDecoded), contexts.Sum(c => c.DocumentsScored), wall.Elapsed);
    }

    /// <summary>The whole query set in the searcher's batches, without warm-up; a batch answers its queries together, so each is charged the batch's time divided by its queries.</summary>
    private static QueryRunResult RunBatches(IBatchQuerySearcher searcher, IReadOnlyList<QueryVector> queries, QueryRunOptions options)
    {
        var latencies = new double[queries.Count];
        searcher.ResetCounters();
        options.Progress?.Report(new BuildProgress(searcher.Name, 0, queries.Count, "queries")); // starts the stage's clock
        var wall = Stopwatch.StartNew();
        long batchStart = Stopwatch.GetTimestamp();
        int previous = 0;
        var hits = searcher.SearchAll(queries, options.K, done =>
        {
            double perQuery = Stopwatch.GetElapsedTime(batchStart).TotalMilliseconds / (done - previous);
            latencies.AsSpan(previous, done - previous).Fill(perQuery);
            previous = done;
            batchStart = Stopwatch.GetTimestamp();
            options.Progress?.Report(new BuildProgress(searcher.Name, done, queries.Count, "queries"));
        });
        wall.Stop();
        return new QueryRunResult(searcher.Name, options.K, 1, hits, latencies, searcher.PostingsDecoded, searcher.DocumentsScored, wall.Elapsed);
    }
}
