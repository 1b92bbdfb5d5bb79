using SpladeFast.Cursors;
using SpladeFast.Index;

namespace SpladeFast.Cuda.Kernels;

/// <summary>
/// The index as the kernels read it: every posting list decoded, CSR over terms (6 bytes a posting), documents
/// numbered by input ordinal so that the kernels' ties (to the smaller number) follow the CPU's.
/// </summary>
public sealed record KernelIndex(ulong[] TermStarts, uint[] DocIds, ushort[] Impacts, uint Documents)
{
    /// <summary>Every posting list of <paramref name="index"/> decoded into flat arrays, documents numbered by input ordinal, ready to upload.</summary>
    public static KernelIndex FromIndex(SparseIndex index)
    {
        var starts = new ulong[index.TermCount + 1];
        for (int t = 0; t < index.TermCount; t++)
            starts[t + 1] = starts[t] + index.Postings(t).PostingCount;
        var docIds = GC.AllocateUninitializedArray<uint>(checked((int)starts[^1]));
        var impacts = GC.AllocateUninitializedArray<ushort>(docIds.Length);
        var cursor = new BlockPostingCursor[1];
        var order = index.Order;
        for (int t = 0; t < index.TermCount; t++)
        {
            long slot = (long)starts[t];
            ref var c = ref cursor[0];
            for (c.Reset(index.Postings(t), 1); c.DocId != PostingCursor.End; c.Next(), slot++)
            {
                docIds[slot] = order.Ordinal(c.DocId);
                impacts[slot] = (ushort)c.Score;
            }
        }
        return new KernelIndex(starts, docIds, impacts, (uint)index.DocumentCount);
    }
}

/// <summary>
/// One batch of queries for the kernels: query term i is term <see cref="TermOfTerm"/>[i] of query
/// <see cref="QueryOfTerm"/>[i] with weight <see cref="WeightOfTerm"/>[i]; top-k runs in <see cref="Parts"/> slices per query.
/// </summary>
public sealed record KernelBatch(uint Queries, uint[] QueryOfTerm, uint[] TermOfTerm, uint[] WeightOfTerm, uint K, uint Parts);

/// <summary>The top k of every query of a batch, best first: query q's hits are [q x K, q x K + Counts[q]).</summary>
public sealed record KernelResult(ulong[] Scores, uint[] DocIds, uint[] Counts);

/// <summary>Where the kernels run: a CUDA device, or the host emulation of the same kernel sources.</summary>
public interface IKernelBackend : IDisposable
{
    /// <summary>Where the kernels run, for reports (e.g. "CUDA device 0: NAME").</summary>
    string Name { get; }
    /// <summary>Scores every query of <paramref name="batch"/> exhaustively and returns each query's top k.</summary>
    /// <exception cref="Native.CudaException">A CUDA driver call failed.</exception>
    KernelResult Run(KernelBatch batch);
}
