using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Rewrite;

namespace SpladeFast.Reorder;

/// <summary>Rewrites an index with its documents in recursive-graph-bisection order.</summary>
public static class IndexReorderer
{
    public static long Write(SparseIndex source, string outputPath, BisectionOptions options, IProgress<BuildProgress>? progress = null)
    {
        var forward = ForwardLists.FromIndex(source, progress);
        var order = RecursiveGraphBisection.Compute(forward, source.TermCount, options, progress);
        return IndexRewriter.Write(source, forward, order, outputPath, new Dictionary<string, string> { ["reorder"] = "bp" }, progress);
    }
}
