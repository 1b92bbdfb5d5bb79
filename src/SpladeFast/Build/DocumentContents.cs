using SpladeFast.Index;
using SpladeFast.Quantize;

namespace SpladeFast.Build;

/// <summary>
/// An index's contents document-major, the form transforms work on (static pruning drops postings from
/// <see cref="Forward"/>, reordering sets <see cref="Order"/>): the documents' terms and impacts (4 bytes a posting)
/// and the document table, ids, input ordinals (null: the docid itself) and stored sources (null: none). Both a fresh
/// build's <see cref="IndexContents"/> and an opened <see cref="SparseIndex"/> produce it; a rewrite turns it back
/// into <see cref="IndexContents"/> for the one writer, <see cref="IndexComposer"/>.
/// </summary>
/// <param name="Metadata">As the written index records it (the bmp range size among its properties).</param>
/// <param name="Vocabulary">Tokens by term id.</param>
/// <param name="Quantizer">How weights became impacts (carried over, never applied again).</param>
/// <param name="RangeSize">Docs per bmp range of the index to write (0: no bmp data).</param>
/// <param name="DocumentIds">Document ids by document of <paramref name="Forward"/>.</param>
/// <param name="Ordinals">Input ordinals by document (null: the document's position itself).</param>
/// <param name="StoredFields">The documents' stored sources (null: none).</param>
/// <param name="Forward">Each document's terms and impacts.</param>
/// <param name="Order">Element i is the document of <see cref="Forward"/> that becomes docid i (null: same order).</param>
public sealed record DocumentContents(
    IndexMetadata Metadata, IReadOnlyList<string> Vocabulary, ImpactQuantizer Quantizer, int RangeSize,
    IReadOnlyList<string> DocumentIds, uint[]? Ordinals, StoredFields? StoredFields, ForwardLists Forward, int[]? Order = null)
{
    /// <summary>
    /// The contents document-major. The caller drops <paramref name="contents"/> afterwards, so that its term-major
    /// postings (6 bytes a posting) are released while the forward lists (4 bytes a posting) live on.
    /// </summary>
    /// <exception cref="InvalidOperationException">More than 65,536 terms, or more postings than one array holds.</exception>
    public static DocumentContents FromContents(IndexContents contents) =>
        new(IndexComposer.WrittenMetadata(contents), contents.Vocabulary, contents.Quantizer, contents.RangeSize,
            contents.DocumentIds, contents.Ordinals, contents.StoredFields?.ToReader(),
            ForwardLists.FromPostings(contents.Postings, contents.DocumentIds.Count));

    /// <summary>An opened index's contents, document-major (every list decoded twice: sizes, then fill).</summary>
    /// <exception cref="InvalidOperationException">More than 65,536 terms, or more postings than one array holds.</exception>
    public static DocumentContents FromIndex(SparseIndex index, IProgress<BuildProgress>? progress = null)
    {
        var forward = ForwardLists.FromIndex(index, progress);
        var documentIds = new string[index.DocumentCount];
        for (int d = 0; d < documentIds.Length; d++)
            documentIds[d] = index.DocumentId((uint)d);
        uint[]? ordinals = null;
        if (!index.Order.IsIdentity)
        {
            ordinals = new uint[index.DocumentCount];
            for (int d = 0; d < ordinals.Length; d++)
                ordinals[d] = index.Order.Ordinal((uint)d);
        }
        // The recorded range size also serves indexes whose bmp sections are of an older layout: rewriting one
        // writes its bmp data anew in the current layout.
        int rangeSize = index.Ranges?.RangeSize ?? IndexComposer.RecordedRangeSize(index.Metadata);
        return new DocumentContents(index.Metadata, index.Vocabulary.Tokens, new ImpactQuantizer(index.ImpactScale, (int)index.Header.QuantBits),
            rangeSize, documentIds, ordinals, index.StoredFields, forward);
    }

    /// <summary>The same contents with one more metadata property recording what a transform did.</summary>
    public DocumentContents WithProperty(string key, string value)
    {
        var properties = new Dictionary<string, string>(Metadata.Properties) { [key] = value };
        return this with { Metadata = Metadata with { Properties = properties } };
    }
}
