using SpladeFast.Cuda.Kernels;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Cuda.Search;

/// <summary>
/// Exhaustive top-k for batches of queries on a kernel backend (<c>gpu_exhaustive</c>): every posting of every
/// query term is scored into per-query accumulators, then each query's top k is selected, ties to the smaller
/// input ordinal: the same hits as the CPU's <c>ranked_or</c>. The backend's documents are numbered by ordinal
/// (<see cref="KernelIndex.FromIndex"/>); <paramref name="order"/> turns them back into docids.
/// </summary>
public sealed class GpuExhaustiveSearch(IKernelBackend backend, int termCount, DocumentOrder order) : IDisposable
{
    /// <summary>Partial top-k scratch per batch is kept under this (queries x parts x k x 12 bytes).</summary>
    private const long PartialScratchBytes = 256L << 20;
    private const int MaxParts = 1024;

    /// <summary>The name <c>query</c> and <c>bench</c> select it by.</summary>
    public const string AlgorithmName = "gpu_exhaustive";

    /// <summary>Where the kernels run.</summary>
    public IKernelBackend Backend => backend;

    /// <summary>On CUDA device 0 with the index resident there, or null and why not.</summary>
    public static GpuExhaustiveSearch? TryCreateOnCuda(SparseIndex index, out string reason) =>
        CudaBackend.TryCreate(() => KernelIndex.FromIndex(index), out reason) is { } cuda ? new GpuExhaustiveSearch(cuda, index.TermCount, index.Order) : null;

    /// <summary>The hits of every query, best first, <paramref name="batchSize"/> queries per kernel launch.</summary>
    public SearchHit[][] Search(IReadOnlyList<QueryVector> queries, int k, int batchSize, Action<int>? batchDone = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var hits = new SearchHit[queries.Count][];
        for (int first = 0; first < queries.Count; first += batchSize)
        {
            int count = Math.Min(batchSize, queries.Count - first);
            var batch = Flatten(queries, first, count, k);
            var result = backend.Run(batch);
            for (int q = 0; q < count; q++)
            {
                var queryHits = new SearchHit[result.Counts[q]];
                for (int i = 0; i < queryHits.Length; i++)
                    queryHits[i] = new SearchHit(order.DocId(result.DocIds[q * k + i]), (long)result.Scores[q * k + i]);
                hits[first + q] = queryHits;
            }
            batchDone?.Invoke(first + count);
        }
        return hits;
    }

    private KernelBatch Flatten(IReadOnlyList<QueryVector> queries, int first, int count, int k)
    {
        var queryOfTerm = new List<uint>();
        var termOfTerm = new List<uint>();
        var weightOfTerm = new List<uint>();
        for (int q = 0; q < count; q++)
        {
            // Repeated terms add up, as on the CPU.
            foreach (var term in queries[first + q].Terms)
            {
                if ((uint)term.TermId >= (uint)termCount || term.Weight == 0)
                    continue;
                queryOfTerm.Add((uint)q);
                termOfTerm.Add((uint)term.TermId);
                weightOfTerm.Add(term.Weight);
            }
        }
        long parts = Math.Clamp(PartialScratchBytes / ((long)count * k * 12), 1, MaxParts);
        return new KernelBatch((uint)count, [.. queryOfTerm], [.. termOfTerm], [.. weightOfTerm], (uint)k, (uint)parts);
    }

    /// <summary>Disposes the backend (and with it the index's device memory).</summary>
    public void Dispose() => backend.Dispose();
}
