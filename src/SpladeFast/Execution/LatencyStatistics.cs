namespace SpladeFast.Execution;

/// <summary>Latency summary of a query run (nearest-rank percentiles, milliseconds).</summary>
public sealed record LatencyStatistics(int Queries, double Mean, double P50, double P90, double P99, double Max, double QueriesPerSecond)
{
    /// <summary>Summarizes per-query latencies.</summary>
    /// <param name="milliseconds">One latency per timed query, in milliseconds.</param>
    /// <param name="wallTime">The run's wall-clock time, for the throughput (queries per second over all threads).</param>
    public static LatencyStatistics From(IReadOnlyList<double> milliseconds, TimeSpan wallTime)
    {
        if (milliseconds.Count == 0)
            return new LatencyStatistics(0, 0, 0, 0, 0, 0, 0);
        var sorted = milliseconds.Order().ToArray();
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        double qps = wallTime > TimeSpan.Zero ? sorted.Length / wallTime.TotalSeconds : 0;
        return new LatencyStatistics(sorted.Length, sorted.Average(), Percentile(50), Percentile(90), Percentile(99), sorted[^1], qps);
    }
}
