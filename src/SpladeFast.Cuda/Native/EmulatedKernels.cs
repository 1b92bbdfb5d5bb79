using System.Runtime.InteropServices;

namespace SpladeFast.Cuda.Native;

/// <summary>
/// The kernels of native/cuda/splade_kernels.cu compiled as host C++ (native/cuda/emulation.cpp): each launch is a
/// loop over its grid and block. Lets machines without a GPU run the very kernel code the GPU runs.
/// </summary>
internal static unsafe partial class EmulatedKernels
{
    public const string Library = "splade_kernels_emulated";

    [LibraryImport(Library, EntryPoint = "sf_emulated_score_batch")]
    public static partial void ScoreBatch(uint queryTerms, uint blockThreads, ulong* termStarts, uint* docIds, ushort* impacts,
        uint* queryOfTerm, uint* termOfTerm, uint* weightOfTerm, uint documents, ulong* scores);

    [LibraryImport(Library, EntryPoint = "sf_emulated_partial_topk")]
    public static partial void PartialTopK(uint queries, uint blockThreads, ulong* scores, uint documents, uint k, uint parts,
        ulong* heapScores, uint* heapDocs, uint* counts);

    [LibraryImport(Library, EntryPoint = "sf_emulated_merge_topk")]
    public static partial void MergeTopK(uint blockThreads, uint queries, uint k, uint parts, ulong* heapScores, uint* heapDocs, uint* counts,
        ulong* outScores, uint* outDocs, uint* outCounts);
}
