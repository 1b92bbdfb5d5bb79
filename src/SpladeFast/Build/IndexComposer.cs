using System.Runtime.InteropServices;
using SpladeFast.Codecs;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Quantize;

namespace SpladeFast.Build;

/// <summary>
/// Everything an index file holds, before compression. With <paramref name="RangeSize"/> above 0 the bmp data is
/// written: from <paramref name="Forward"/> when the caller collected it document by document, else derived from
/// the postings. <paramref name="Ordinals"/> gives each docid's input ordinal (null: the docid itself);
/// <paramref name="Sequence"/> each docid's live-index sequence number (null: none, see <see cref="SectionKind.Sequence"/>);
/// <paramref name="StoredFields"/> every document's stored source, in docid order (null: none stored).
/// Disposing the contents disposes <paramref name="Forward"/> (its temporary files).
/// </summary>
public sealed record IndexContents(
    IndexMetadata Metadata, IReadOnlyList<string> Vocabulary, IReadOnlyList<string> DocumentIds,
    InvertedLists Postings, ImpactQuantizer Quantizer, int RangeSize, RangeForwardWriter? Forward, uint[]? Ordinals = null,
    uint[]? Sequence = null, StoredFieldsWriter? StoredFields = null) : IDisposable
{
    /// <summary>Removes the bmp forward index's temporary files.</summary>
    public void Dispose() => Forward?.Dispose();
}

/// <summary>Compresses in-memory postings into an index file (temporary name, renamed on success).</summary>
public static class IndexComposer
{
    /// <summary>The metadata property recording the docs per bmp range.</summary>
    public const string RangeSizeProperty = "bmp.rangeSize";

    /// <summary>The bmp range size an index was built with (0: none), whether or not its bmp sections can be read.</summary>
    public static int RecordedRangeSize(IndexMetadata metadata) =>
        metadata.Properties.TryGetValue(RangeSizeProperty, out var value)
        && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size)
        && size is > 0 and <= IndexLayout.MaxRangeSize ? size : 0;

    /// <summary>The metadata as <see cref="Write"/> records it: with the bmp range size among the properties.</summary>
    public static IndexMetadata WrittenMetadata(IndexContents contents)
    {
        var properties = new Dictionary<string, string>(contents.Metadata.Properties);
        properties.Remove(RangeSizeProperty);
        if (contents.RangeSize > 0)
            properties[RangeSizeProperty] = contents.RangeSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return contents.Metadata with { Properties = properties };
    }

    /// <summary>Compresses <paramref name="contents"/> into an index file of the current format version (<see cref="IndexLayout.Version"/>): every required section, TermThresholds, and the optional ones the contents ask for.</summary>
    /// <param name="path">The index file, written under a temporary name and renamed on success.</param>
    /// <param name="contents">What to write.</param>
    /// <param name="progress">Receives the compression's progress.</param>
    /// <returns>The file's size in bytes.</returns>
    /// <exception cref="ArgumentException">The forward index, the sequence numbers, the stored fields or the ordinals do not match the documents.</exception>
    public static long Write(string path, IndexContents contents, IProgress<BuildProgress>? progress) => Compose(path, contents, progress, version2Layout: false);

    /// <summary>The same as a version 2 writer wrote it: the bmp data in the version 2 layout (RangeForward, RangeBounds), the header version 2 (tests and benchmarks).</summary>
    internal static long WriteVersion2Bmp(string path, IndexContents contents) => Compose(path, contents, null, version2Layout: true);

    private static long Compose(string path, IndexContents contents, IProgress<BuildProgress>? progress, bool version2Layout)
    {
        using var derivedForward = contents.RangeSize > 0 && contents.Forward is null
            ? RangeForwardWriter.FromPostings(path, contents.Postings, contents.DocumentIds.Count, contents.RangeSize) : null;
        var forwardIndex = contents.Forward ?? derivedForward;
        using var writer = new IndexFileWriter(path);
        writer.WriteSection(SectionKind.Metadata, WrittenMetadata(contents).ToUtf8());
        StringTable.Write(writer.BeginSection(SectionKind.Vocabulary), contents.Vocabulary);
        writer.EndSection();
        StringTable.Write(writer.BeginSection(SectionKind.DocumentIds), contents.DocumentIds);
        writer.EndSection();

        var postings = contents.Postings;
        var postingWriter = new PostingListWriter(writer.BeginSection(SectionKind.Postings));
        var terms = new TermEntry[postings.TermCount];
        uint maxImpact = 0;
        var impactBuffer = new uint[BitPacking.BlockSize];
        for (int t = 0; t < terms.Length; t++)
        {
            terms[t] = postingWriter.Add(postings.DocIdsOf(t), postings.ImpactsOf(t), impactBuffer);
            maxImpact = Math.Max(maxImpact, terms[t].MaxImpact);
            if ((t & 1023) == 0)
                progress?.Report(new BuildProgress("compressing", t, terms.Length, "terms"));
        }
        postingWriter.Finish();
        writer.EndSection();
        progress?.Report(new BuildProgress("compressing", terms.Length, terms.Length, "terms"));
        writer.WriteSection(SectionKind.Skips, MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(postingWriter.Skips)));
        writer.WriteSection(SectionKind.Terms, MemoryMarshal.AsBytes(terms.AsSpan()));
        TermThresholdsWriter.Write(writer.BeginSection(SectionKind.TermThresholds), postings);
        writer.EndSection();
        if (contents.RangeSize > 0 && forwardIndex is { } forward)
        {
            if (forward.RangeSize != contents.RangeSize)
                throw new ArgumentException($"the forward index has ranges of {forward.RangeSize} documents, not {contents.RangeSize}");
            RangeBoundsWriter.WriteSections(writer, forward, contents.DocumentIds.Count, postings, terms, version2Layout);
        }
        if (contents.Ordinals is { } ordinals && !IsIdentity(ordinals))
            WriteDocumentOrder(writer, ordinals);
        if (contents.Sequence is { } sequence)
        {
            if (sequence.Length != contents.DocumentIds.Count)
                throw new ArgumentException($"{sequence.Length} sequence numbers for {contents.DocumentIds.Count} documents", nameof(contents));
            writer.WriteSection(SectionKind.Sequence, MemoryMarshal.AsBytes(sequence.AsSpan()));
        }
        if (contents.StoredFields is { } stored)
        {
            if (stored.Count != contents.DocumentIds.Count)
                throw new ArgumentException($"{stored.Count} stored documents for {contents.DocumentIds.Count} documents", nameof(contents));
            stored.WriteTo(writer.BeginSection(SectionKind.StoredFields));
            writer.EndSection();
        }
        writer.CommitAsVersion(new IndexHeader
        {
            DocumentCount = (ulong)contents.DocumentIds.Count,
            TermCount = (ulong)terms.Length,
            PostingCount = (ulong)postings.Count,
            ImpactScale = contents.Quantizer.Scale,
            QuantBits = (uint)contents.Quantizer.Bits,
            MaxImpact = maxImpact,
        }, version2Layout ? 2 : IndexLayout.Version);
        return new FileInfo(path).Length;
    }

    private static bool IsIdentity(ReadOnlySpan<uint> ordinals)
    {
        for (int d = 0; d < ordinals.Length; d++)
        {
            if (ordinals[d] != d)
                return false;
        }
        return true;
    }

    /// <exception cref="ArgumentException">The ordinals are not a permutation of 0..documents-1.</exception>
    private static void WriteDocumentOrder(IndexFileWriter writer, uint[] ordinals)
    {
        var docIds = new uint[ordinals.Length];
        var seen = new bool[ordinals.Length];
        for (int d = 0; d < ordinals.Length; d++)
        {
            uint ordinal = ordinals[d];
            if (ordinal >= (uint)ordinals.Length || seen[ordinal])
                throw new ArgumentException($"input ordinal {ordinal} of document {d} is out of range or repeated", nameof(ordinals));
            seen[ordinal] = true;
            docIds[ordinal] = (uint)d;
        }
        var section = writer.BeginSection(SectionKind.DocumentOrder);
        section.Write(MemoryMarshal.AsBytes(ordinals.AsSpan()));
        section.Write(MemoryMarshal.AsBytes(docIds.AsSpan()));
        writer.EndSection();
    }
}
