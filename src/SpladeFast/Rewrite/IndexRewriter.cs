using SpladeFast.Build;
using SpladeFast.Index;

namespace SpladeFast.Rewrite;

/// <summary>
/// Turns transformed <see cref="DocumentContents"/> back into term-major <see cref="IndexContents"/> for
/// <see cref="IndexComposer.Write"/>: documents renumbered by their order (reordering), with the postings the
/// transforms kept (static pruning). Vocabulary, quantization, metadata, input ordinals, stored sources and the bmp
/// range size carry over. Memory: the rewritten postings, 6 bytes each, beside the source's forward lists.
/// </summary>
public static class IndexRewriter
{
    /// <summary>The term-major contents of <paramref name="source"/>, its documents in their order.</summary>
    /// <param name="source">The transformed documents.</param>
    /// <param name="outputPath">The index the contents are for: their bmp forward index streams to temporary files beside it.</param>
    /// <returns>Contents owning the bmp forward index's temporary files (dispose them after writing).</returns>
    public static IndexContents Rewrite(DocumentContents source, string outputPath)
    {
        var forward = source.Forward;
        int termCount = source.Vocabulary.Count;
        var starts = new long[termCount + 1];
        foreach (int term in forward.Terms.AsSpan(0, (int)forward.Count))
            starts[term + 1]++;
        for (int t = 0; t < termCount; t++)
            starts[t + 1] += starts[t];
        var postings = InvertedLists.Allocate(starts);
        var next = (long[])starts.Clone();
        var forwardWriter = source.RangeSize > 0 ? new RangeForwardWriter(outputPath, forward.DocumentCount, source.RangeSize, termCount) : null;
        var documentIds = new string[forward.DocumentCount];
        var stored = source.StoredFields is null ? null : new StoredFieldsWriter();
        var ordinals = new uint[forward.DocumentCount];
        var order = source.Order;
        for (int newId = 0; newId < documentIds.Length; newId++)
        {
            int old = order?[newId] ?? newId;
            documentIds[newId] = source.DocumentIds[old];
            ordinals[newId] = source.Ordinals?[old] ?? (uint)old;
            stored?.Add(source.StoredFields!.Get((uint)old));
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
        return new IndexContents(source.Metadata, source.Vocabulary, documentIds, postings, source.Quantizer, source.RangeSize,
            forwardWriter, ordinals, StoredFields: stored);
    }

    /// <summary>Rewrites <paramref name="source"/> and writes it as the index at <paramref name="outputPath"/>.</summary>
    /// <returns>The index's size in bytes.</returns>
    public static long Write(DocumentContents source, string outputPath, IProgress<BuildProgress>? progress = null)
    {
        using var contents = Rewrite(source, outputPath);
        return IndexComposer.Write(outputPath, contents, progress);
    }
}
