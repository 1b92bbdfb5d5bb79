using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Quantize;

namespace SpladeFast.Rewrite;

/// <summary>
/// Writes a new index from an existing one's documents held as <see cref="ForwardLists"/>: renumbered (reordering),
/// with fewer postings (static pruning), or both. Vocabulary, quantization, input ordinals and the bmp range size carry over;
/// the given properties are added to the metadata to record what was done.
/// </summary>
public static class IndexRewriter
{
    /// <param name="source">The index whose vocabulary, quantization, ordinals and metadata carry over.</param>
    /// <param name="forward">The documents' postings to write, by source docid.</param>
    /// <param name="outputPath">The new index, written atomically.</param>
    /// <param name="properties">Added to the metadata's properties, to record what was done.</param>
    /// <param name="progress">Receives the writer's stages.</param>
    /// <returns>The new index's size in bytes.</returns>
    /// <param name="order">order[i] is the source docid that becomes docid i (null: same order).</param>
    public static long Write(SparseIndex source, ForwardLists forward, int[]? order, string outputPath,
        IReadOnlyDictionary<string, string> properties, IProgress<BuildProgress>? progress = null)
    {
        var starts = new long[source.TermCount + 1];
        foreach (int term in forward.Terms.AsSpan(0, (int)forward.Count))
            starts[term + 1]++;
        for (int t = 0; t < source.TermCount; t++)
            starts[t + 1] += starts[t];
        var postings = InvertedLists.Allocate(starts);
        var next = (long[])starts.Clone();
        // The recorded range size also serves indexes whose bmp sections are of an older layout: rewriting one
        // writes its bmp data anew in the current layout.
        int rangeSize = source.Ranges?.RangeSize ?? IndexComposer.RecordedRangeSize(source.Metadata);
        using var forwardWriter = rangeSize > 0 ? new RangeForwardWriter(outputPath, source.DocumentCount, rangeSize, source.TermCount) : null;
        var documentIds = new string[forward.DocumentCount];
        var stored = source.StoredFields is null ? null : new StoredFieldsWriter();
        var ordinals = new uint[forward.DocumentCount];
        for (int newId = 0; newId < documentIds.Length; newId++)
        {
            int old = order?[newId] ?? newId;
            documentIds[newId] = source.DocumentId((uint)old);
            ordinals[newId] = source.Order.Ordinal((uint)old);
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
        var merged = new Dictionary<string, string>(source.Metadata.Properties);
        foreach (var (key, value) in properties)
            merged[key] = value;
        var contents = new IndexContents(source.Metadata with { Properties = merged }, source.Vocabulary.Tokens, documentIds, postings,
            new ImpactQuantizer(source.ImpactScale, (int)source.Header.QuantBits), rangeSize, forwardWriter, ordinals, StoredFields: stored);
        return IndexComposer.Write(outputPath, contents, progress);
    }
}
