using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.TopK;

namespace SpladeFast.Cuda.Search;

/// <summary>
/// <see cref="GpuExhaustiveSearch"/> as a query searcher: query runs (<c>QueryRunner</c>) hand it the whole query
/// set in batches of <see cref="BatchSize"/>, and a single query is a batch of one. Exhaustive, so exact whatever
/// algorithm, threshold factor or initial threshold is asked for (the hits are <c>ranked_or</c>'s). It counts no
/// postings or documents: the kernels do not report them. Owns the GPU search; one per process is enough (calls are
/// not concurrent).
/// </summary>
public sealed class GpuSearcher : IBatchQuerySearcher, IDisposable
{
    private readonly GpuExhaustiveSearch _gpu;
    private readonly QueryVector[] _single = new QueryVector[1];

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public GpuSearcher(GpuExhaustiveSearch gpu, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _gpu = gpu;
        BatchSize = batchSize;
    }

    /// <summary>On CUDA device 0 with the index resident there, or null and why not.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public static GpuSearcher? TryCreateOnCuda(SparseIndex index, int batchSize, out string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return GpuExhaustiveSearch.TryCreateOnCuda(index, out reason) is { } gpu ? new GpuSearcher(gpu, batchSize) : null;
    }

    /// <inheritdoc/>
    public string Name => GpuExhaustiveSearch.AlgorithmName;

    /// <summary>Queries per kernel launch.</summary>
    public int BatchSize { get; }

    /// <summary>The backend's name (CUDA device, or the host emulation).</summary>
    public string BackendName => _gpu.Backend.Name;

    /// <summary>Has no effect: exhaustive search starts from no threshold.</summary>
    public bool InitialThreshold { get; set; } = true;

    /// <summary>Always 0: the kernels count no work (every posting of every query term is scored).</summary>
    public long DocumentsScored => 0;
    /// <summary>Always 0, as <see cref="DocumentsScored"/>.</summary>
    public long PostingsDecoded => 0;

    /// <summary>Nothing to reset.</summary>
    public void ResetCounters()
    {
    }

    /// <summary>One query alone, in a batch of one; <paramref name="algorithm"/> and <paramref name="thresholdFactor"/> are ignored (exhaustive).</summary>
    public ReadOnlySpan<SearchHit> Search(QueryVector query, int k, ISearchAlgorithm algorithm, double thresholdFactor = 1)
    {
        _single[0] = query;
        return _gpu.Search(_single, k, 1)[0];
    }

    /// <inheritdoc/>
    public SearchHit[][] SearchAll(IReadOnlyList<QueryVector> queries, int k, Action<int>? batchDone) =>
        _gpu.Search(queries, k, BatchSize, batchDone);

    /// <summary>Frees the device's copy of the index.</summary>
    public void Dispose() => _gpu.Dispose();
}
