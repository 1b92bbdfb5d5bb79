using System.Diagnostics;
using SpladeFast.Cli.Output;
using SpladeFast.Cuda.Search;
using SpladeFast.Execution;
using SpladeFast.Ingest;
using SpladeFast.Shards;

namespace SpladeFast.Cli.Commands;

/// <summary>query --algorithm gpu_exhaustive: batches on a CUDA device, or (with --device auto) the CPU's ranked_or.</summary>
internal static class GpuRun
{
    /// <summary>The GPU run's result, or null when --device auto found no GPU (the caller then runs ranked_or).</summary>
    public static QueryRunResult? TryRun(ShardSet shards, IReadOnlyList<QueryVector> queries, int k, int batch, string device)
    {
        if (device == "cpu")
            throw new ArgumentException($"{GpuExhaustiveSearch.AlgorithmName} runs on a GPU: give --device cuda (or auto to fall back to the CPU engine)");
        if (shards.Shards.Count != 1)
            throw new ArgumentException($"{GpuExhaustiveSearch.AlgorithmName} searches one index; merge the shards first (splade-fast merge)");
        if (batch < 1)
            throw new ArgumentException("--batch must be at least 1");
        using var gpu = GpuExhaustiveSearch.TryCreateOnCuda(shards.Shards[0], out string reason);
        if (gpu is null)
        {
            if (device == "cuda")
                throw new InvalidOperationException($"--device cuda: {reason}");
            Console.Error.WriteLine($"--device auto: {reason}; answering with the CPU engine (ranked_or, exhaustive)");
            return null;
        }
        Console.Error.WriteLine($"{GpuExhaustiveSearch.AlgorithmName} on {gpu.Backend.Name}, batches of {batch}");
        var latencies = new double[queries.Count];
        var wall = Stopwatch.StartNew();
        long batchStart = Stopwatch.GetTimestamp();
        int previous = 0;
        var hits = ProgressDisplay.Run(progress => gpu.Search(queries, k, batch, done =>
        {
            // A batch answers its queries together: each is charged the batch time divided by its queries.
            double perQuery = Stopwatch.GetElapsedTime(batchStart).TotalMilliseconds / (done - previous);
            latencies.AsSpan(previous, done - previous).Fill(perQuery);
            previous = done;
            batchStart = Stopwatch.GetTimestamp();
            progress.Report(new BuildProgress(GpuExhaustiveSearch.AlgorithmName, done, queries.Count, "queries"));
        }));
        return new QueryRunResult(GpuExhaustiveSearch.AlgorithmName, k, 1, hits, latencies, 0, 0, wall.Elapsed);
    }
}
