using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Quantize;

namespace SpladeFast.Reorder;

/// <summary>Rewrites an index with its documents renumbered in a new order (posting lists, forward index, ids).</summary>
public static class IndexReorderer
{
    public static long Write(SparseIndex source, string outputPath, BisectionOptions options, IProgress<BuildProgress>? progress = null)
    {
        var forward = ForwardLists.FromIndex(source, progress);
        var order = RecursiveGraphBisection.Compute(forward, source.TermCount, options, progress);
        return Write(source, forward, order, outputPath, "bp", progress);
    }

    /// <summary>Writes <paramref name="source"/> with old docid order[i] renumbered to i.</summary>
    public static long Write(SparseIndex source, ForwardLists forward, int[] order, string outputPath, string method, IProgress<BuildProgress>? progress)
    {
        var starts = new long[source.TermCount + 1];
        for (int t = 0; t < source.TermCount; t++)
            starts[t + 1] = starts[t] + source.Term(t).PostingCount;
        var postings = InvertedLists.Allocate(starts);
        var next = (long[])starts.Clone();
        int rangeSize = source.Ranges?.RangeSize ?? 0;
        using var forwardWriter = rangeSize > 0 ? new ForwardIndexWriter(outputPath, source.DocumentCount) : null;
        var documentIds = new string[order.Length];
        for (int newId = 0; newId < order.Length; newId++)
        {
            int old = order[newId];
            documentIds[newId] = source.DocumentId((uint)old);
            var terms = forward.TermsOf(old);
            var impacts = forward.ImpactsOf(old);
            for (int i = 0; i < terms.Length; i++)
            {
                long slot = next[terms[i]]++;
                postings.DocIds[slot] = (uint)newId;
                postings.Impacts[slot] = impacts[i];
                forwardWriter?.Add(terms[i], impacts[i]);
            }
            forwardWriter?.EndDocument();
        }
        var properties = new Dictionary<string, string>(source.Metadata.Properties) { ["reorder"] = method };
        var contents = new IndexContents(source.Metadata with { Properties = properties }, source.Vocabulary.Tokens, documentIds, postings,
            new ImpactQuantizer(source.ImpactScale, (int)source.Header.QuantBits), rangeSize, forwardWriter);
        return IndexComposer.Write(outputPath, contents, progress);
    }
}
