using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Rewrite;

namespace SpladeFast.Reorder;

/// <summary>Rewrites an index with its documents in recursive-graph-bisection order.</summary>
public static class IndexReorderer
{
    /// <summary>Reorders <paramref name="source"/>'s documents by recursive graph bisection and writes the result (metadata property reorder=bp).</summary>
    /// <param name="source">The index to reorder; input ordinals carry over, so ties still break in input order.</param>
    /// <param name="outputPath">The reordered index, written atomically.</param>
    /// <param name="options">The bisection's parameters.</param>
    /// <param name="progress">Receives the stages.</param>
    /// <returns>The new index's size in bytes.</returns>
    /// <exception cref="InvalidOperationException">The index is too large to hold as forward lists (more than 65,536 terms or 2^31 postings).</exception>
    public static long Write(SparseIndex source, string outputPath, BisectionOptions options, IProgress<BuildProgress>? progress = null)
    {
        var forward = ForwardLists.FromIndex(source, progress);
        var order = RecursiveGraphBisection.Compute(forward, source.TermCount, options, progress);
        return IndexRewriter.Write(source, forward, order, outputPath, new Dictionary<string, string> { ["reorder"] = "bp" }, progress);
    }
}
