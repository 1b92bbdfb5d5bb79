using SpladeFast.Cuda.Native;

namespace SpladeFast.Cuda.Kernels;

/// <summary>Runs the kernels' host-emulated build over managed arrays (tests and machines without a GPU).</summary>
public sealed unsafe class EmulatedBackend(KernelIndex index, uint blockThreads = 32) : IKernelBackend
{
    /// <inheritdoc/>
    public string Name => "host emulation of the CUDA kernels";

    /// <summary>Whether the emulated kernel library was built (it needs cmake and g++) and loads; the reason if not.</summary>
    public static bool IsAvailable(out string reason)
    {
        try
        {
            System.Runtime.InteropServices.NativeLibrary.Free(System.Runtime.InteropServices.NativeLibrary.Load(
                EmulatedKernels.Library, typeof(EmulatedBackend).Assembly, null));
            reason = "";
            return true;
        }
        catch (DllNotFoundException e)
        {
            reason = $"the emulated kernel library was not built (cmake and g++ are needed): {e.Message}";
            return false;
        }
    }

    /// <inheritdoc/>
    public KernelResult Run(KernelBatch batch)
    {
        var scores = new ulong[(long)batch.Queries * index.Documents];
        long slots = (long)batch.Queries * batch.Parts * batch.K;
        var heapScores = new ulong[slots];
        var heapDocs = new uint[slots];
        var counts = new uint[batch.Queries * batch.Parts];
        var result = new KernelResult(new ulong[batch.Queries * batch.K], new uint[batch.Queries * batch.K], new uint[batch.Queries]);
        fixed (ulong* termStarts = index.TermStarts, scoresPointer = scores, heapScoresPointer = heapScores, outScores = result.Scores)
        fixed (uint* docIds = index.DocIds, queryOfTerm = batch.QueryOfTerm, termOfTerm = batch.TermOfTerm, weightOfTerm = batch.WeightOfTerm)
        fixed (uint* heapDocsPointer = heapDocs, countsPointer = counts, outDocs = result.DocIds, outCounts = result.Counts)
        fixed (ushort* impacts = index.Impacts)
        {
            EmulatedKernels.ScoreBatch((uint)batch.QueryOfTerm.Length, blockThreads, termStarts, docIds, impacts,
                queryOfTerm, termOfTerm, weightOfTerm, index.Documents, scoresPointer);
            EmulatedKernels.PartialTopK(batch.Queries, blockThreads, scoresPointer, index.Documents, batch.K, batch.Parts,
                heapScoresPointer, heapDocsPointer, countsPointer);
            EmulatedKernels.MergeTopK(blockThreads, batch.Queries, batch.K, batch.Parts, heapScoresPointer, heapDocsPointer, countsPointer,
                outScores, outDocs, outCounts);
        }
        return result;
    }

    /// <summary>Nothing to release: the emulation holds only managed arrays.</summary>
    public void Dispose()
    {
    }
}
