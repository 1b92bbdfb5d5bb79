using SpladeFast.Cuda.Search;
using SpladeFast.Shards;

namespace SpladeFast.Cli.Commands;

/// <summary>query --algorithm gpu_exhaustive: the GPU searcher on a CUDA device, or (with --device auto) the CPU's ranked_or.</summary>
internal static class GpuRun
{
    /// <summary>The GPU searcher over the one index, or null when --device auto found no GPU (the caller then runs ranked_or).</summary>
    /// <exception cref="ArgumentException">--device cpu, several shards, or a batch size below 1.</exception>
    /// <exception cref="InvalidOperationException">--device cuda and no usable GPU.</exception>
    public static GpuSearcher? TryCreate(ShardSet shards, int batch, string device)
    {
        if (device == "cpu")
            throw new ArgumentException($"{GpuExhaustiveSearch.AlgorithmName} runs on a GPU: give --device cuda (or auto to fall back to the CPU engine)");
        if (shards.Shards.Count != 1)
            throw new ArgumentException($"{GpuExhaustiveSearch.AlgorithmName} searches one index; merge the shards first (splade-fast merge)");
        if (batch < 1)
            throw new ArgumentException("--batch must be at least 1");
        var gpu = GpuSearcher.TryCreateOnCuda(shards.Shards[0], batch, out string reason);
        if (gpu is null)
        {
            if (device == "cuda")
                throw new InvalidOperationException($"--device cuda: {reason}");
            Console.Error.WriteLine($"--device auto: {reason}; answering with the CPU engine (ranked_or, exhaustive)");
            return null;
        }
        Console.Error.WriteLine($"{gpu.Name} on {gpu.BackendName}, batches of {batch}");
        return gpu;
    }
}
