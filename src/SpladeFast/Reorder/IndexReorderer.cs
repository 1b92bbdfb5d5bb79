using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Rewrite;

namespace SpladeFast.Reorder;

/// <summary>Reordering as a transform: documents renumbered in recursive-graph-bisection order.</summary>
public static class IndexReorderer
{
    /// <summary>The documents with their bisection order set (computed over their forward lists), recorded in the metadata.</summary>
    /// <exception cref="ArgumentException">The documents are reordered already.</exception>
    public static DocumentContents Apply(DocumentContents documents, BisectionOptions options, IProgress<BuildProgress>? progress = null)
    {
        if (documents.Order is not null)
            throw new ArgumentException("the documents are reordered already", nameof(documents));
        var order = RecursiveGraphBisection.Compute(documents.Forward, documents.Vocabulary.Count, options, progress);
        return documents.WithProperty("reorder", "bp") with { Order = order };
    }

    /// <summary>Reorders an opened index into a new index file (the file-to-file form).</summary>
    /// <returns>The new index's size in bytes.</returns>
    public static long Write(SparseIndex source, string outputPath, BisectionOptions options, IProgress<BuildProgress>? progress = null) =>
        IndexRewriter.Write(Apply(DocumentContents.FromIndex(source, progress), options, progress), outputPath, progress);
}
