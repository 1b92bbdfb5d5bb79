using System.Reflection;
using SpladeFast.Cuda.Native;

namespace SpladeFast.Cuda.Kernels;

/// <summary>
/// Runs the kernels on CUDA device 0 through the driver API: the embedded PTX is loaded at start, the index is
/// uploaded once and stays resident; each batch allocates its accumulators (queries x documents x 8 bytes).
/// </summary>
public sealed unsafe class CudaBackend : IKernelBackend
{
    private const uint ScoreThreads = 256, TopKThreads = 128;
    private readonly CudaContextHandle _context;
    private readonly CudaModuleHandle _module;
    private readonly nint _score, _partialTopK, _mergeTopK;
    private readonly DeviceBuffer _termStarts, _docIds, _impacts;
    private readonly uint _documents;

    private CudaBackend(int device, string deviceName, byte[] ptx, KernelIndex index)
    {
        Name = $"CUDA device 0: {deviceName}";
        _context = CudaContextHandle.Create(device);
        _module = CudaModuleHandle.Load(ptx);
        _score = Function("sf_score_batch");
        _partialTopK = Function("sf_partial_topk");
        _mergeTopK = Function("sf_merge_topk");
        _termStarts = DeviceBuffer.Upload<ulong>(index.TermStarts, "term starts");
        _docIds = DeviceBuffer.Upload<uint>(index.DocIds, "docids");
        _impacts = DeviceBuffer.Upload<ushort>(index.Impacts, "impacts");
        _documents = index.Documents;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Whether this build has the kernels and this machine a CUDA device, or why not.</summary>
    public static bool IsAvailable(out string reason) => Ptx(out reason) is not null && DeviceCount(out reason) > 0;

    /// <summary>
    /// A backend on device 0, or null and why not: no driver, no device, or no PTX in this build. The index is
    /// prepared only once the device is known to be there (preparing decodes every posting list).
    /// </summary>
    public static CudaBackend? TryCreate(Func<KernelIndex> prepare, out string reason)
    {
        if (Ptx(out reason) is not { } ptx || DeviceCount(out reason) == 0)
            return null;
        var index = prepare();
        CudaException.Check(CudaDriver.DeviceGet(out int device, 0), "cuDeviceGet");
        var name = stackalloc byte[256];
        CudaException.Check(CudaDriver.DeviceGetName(name, 256, device), "cuDeviceGetName");
        reason = "";
        return new CudaBackend(device, System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)name) ?? "?", ptx, index);
    }

    /// <summary>The embedded PTX, or null and why not.</summary>
    private static byte[]? Ptx(out string reason)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("splade_kernels.ptx");
        if (stream is null)
        {
            reason = "this build has no PTX (cmake and clang-14 were missing when it was built)";
            return null;
        }
        var ptx = new byte[stream.Length];
        stream.ReadExactly(ptx);
        reason = "";
        return ptx;
    }

    /// <summary>The CUDA devices the driver sees; 0, and why, when there is no driver or no device.</summary>
    private static int DeviceCount(out string reason)
    {
        int result;
        try
        {
            result = CudaDriver.Init(0);
        }
        catch (DllNotFoundException)
        {
            reason = "no CUDA driver (libcuda.so.1 is not installed)";
            return 0;
        }
        if (result != 0 || CudaDriver.DeviceGetCount(out int count) != 0 || count == 0)
        {
            reason = result == 100 || result == 0 ? "the CUDA driver sees no device" : $"cuInit failed with CUresult {result}";
            return 0;
        }
        reason = "";
        return count;
    }

    /// <inheritdoc/>
    public KernelResult Run(KernelBatch batch)
    {
        CudaException.Check(CudaDriver.CtxSetCurrent(_context.DangerousGetHandle()), "cuCtxSetCurrent");
        long slots = (long)batch.Queries * batch.Parts * batch.K;
        using var scores = DeviceBuffer.Allocate((long)batch.Queries * _documents * sizeof(ulong), "accumulators");
        CudaException.Check(CudaDriver.MemsetD8(scores.Pointer, 0, (nuint)scores.Bytes), "cuMemsetD8");
        using var queryOfTerm = DeviceBuffer.Upload<uint>(batch.QueryOfTerm, "query of each query term");
        using var termOfTerm = DeviceBuffer.Upload<uint>(batch.TermOfTerm, "query terms");
        using var weightOfTerm = DeviceBuffer.Upload<uint>(batch.WeightOfTerm, "query weights");
        using var heapScores = DeviceBuffer.Allocate(slots * sizeof(ulong), "partial top-k scores");
        using var heapDocs = DeviceBuffer.Allocate(slots * sizeof(uint), "partial top-k docids");
        using var counts = DeviceBuffer.Allocate((long)batch.Queries * batch.Parts * sizeof(uint), "partial top-k counts");
        using var outScores = DeviceBuffer.Allocate((long)batch.Queries * batch.K * sizeof(ulong), "top-k scores");
        using var outDocs = DeviceBuffer.Allocate((long)batch.Queries * batch.K * sizeof(uint), "top-k docids");
        using var outCounts = DeviceBuffer.Allocate((long)batch.Queries * sizeof(uint), "top-k counts");

        if (batch.QueryOfTerm.Length > 0)
        {
            Launch(_score, "sf_score_batch", (uint)batch.QueryOfTerm.Length, 1, ScoreThreads,
                _termStarts.Pointer, _docIds.Pointer, _impacts.Pointer, queryOfTerm.Pointer, termOfTerm.Pointer, weightOfTerm.Pointer, _documents, scores.Pointer);
        }
        Launch(_partialTopK, "sf_partial_topk", (batch.Parts + TopKThreads - 1) / TopKThreads, batch.Queries, TopKThreads,
            scores.Pointer, _documents, batch.K, batch.Parts, heapScores.Pointer, heapDocs.Pointer, counts.Pointer);
        Launch(_mergeTopK, "sf_merge_topk", (batch.Queries + TopKThreads - 1) / TopKThreads, 1, TopKThreads,
            batch.Queries, batch.K, batch.Parts, heapScores.Pointer, heapDocs.Pointer, counts.Pointer, outScores.Pointer, outDocs.Pointer, outCounts.Pointer);
        CudaException.Check(CudaDriver.CtxSynchronize(), "cuCtxSynchronize (kernel execution)");

        var result = new KernelResult(new ulong[batch.Queries * batch.K], new uint[batch.Queries * batch.K], new uint[batch.Queries]);
        outScores.Download<ulong>(result.Scores);
        outDocs.Download<uint>(result.DocIds);
        outCounts.Download<uint>(result.Counts);
        return result;
    }

    /// <summary>
    /// Launches with each argument in an 8-byte slot: pointers fill it, 32-bit values sit in its low half, which is
    /// where a little-endian device reads them.
    /// </summary>
    private static void Launch(nint function, string name, uint gridX, uint gridY, uint blockX, params ReadOnlySpan<ulong> arguments)
    {
        var slots = stackalloc ulong[arguments.Length];
        var pointers = stackalloc void*[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            slots[i] = arguments[i];
            pointers[i] = slots + i;
        }
        CudaException.Check(CudaDriver.LaunchKernel(function, gridX, gridY, 1, blockX, 1, 1, 0, 0, pointers, null), $"cuLaunchKernel ({name})");
    }

    private nint Function(string name)
    {
        CudaException.Check(CudaDriver.ModuleGetFunction(out nint function, _module.DangerousGetHandle(), name), $"cuModuleGetFunction ({name})");
        return function;
    }

    /// <summary>Frees the device buffers and the context.</summary>
    public void Dispose()
    {
        _termStarts.Dispose();
        _docIds.Dispose();
        _impacts.Dispose();
        _module.Dispose();
        _context.Dispose();
    }
}
