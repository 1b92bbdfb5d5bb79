using SpladeFast.Build;
using SpladeFast.Cursors;
using SpladeFast.Format;
using SpladeFast.Index;

namespace SpladeFast.Rewrite;

/// <summary>
/// Rewrites an index file of an older supported format version as the current one (<see cref="IndexLayout.Version"/>),
/// as tantivy's index upgrade does. The sections both versions share are copied byte for byte, so the upgraded file
/// answers every query as the old one did; what the current version requires and the old file lacks is computed
/// from its postings: the <see cref="SectionKind.TermThresholds"/> section, and the bmp sections in the current layout
/// (<see cref="SectionKind.RangeForwardPacked"/> or <see cref="SectionKind.RangeForward"/>, and
/// <see cref="SectionKind.RangeBoundsBitmap"/>) where the metadata records a bmp range size but the file holds them in
/// an older layout or not at all (sections of an older bmp layout, kinds 7 to 10 and a version 2 file's
/// RangeForward, are dropped). A current file is copied as it is.
/// </summary>
public static class IndexUpgrader
{
    /// <summary>What <see cref="Upgrade"/> did.</summary>
    /// <param name="FromVersion">The source file's format version.</param>
    /// <param name="Added">Sections computed and written, absent from the source.</param>
    /// <param name="Dropped">Section kinds of the source not carried over (an earlier bmp layout, as <c>uint</c>).</param>
    /// <param name="Bytes">The upgraded file's size.</param>
    public sealed record Result(uint FromVersion, IReadOnlyList<SectionKind> Added, IReadOnlyList<uint> Dropped, long Bytes);

    /// <param name="sourcePath">An index file of a version this build reads; its checksums are verified first.</param>
    /// <param name="outputPath">
    /// The upgraded file, written under a temporary name and renamed into place on success; may be
    /// <paramref name="sourcePath"/> itself (the source is closed before the rename).
    /// </param>
    /// <param name="progress">Receives the decoding of the postings, when sections are computed.</param>
    /// <exception cref="IndexCorruptException">The source is damaged, or of a version this build does not read.</exception>
    /// <exception cref="InvalidOperationException">Sections must be computed and the source holds more postings than one array.</exception>
    public static Result Upgrade(string sourcePath, string outputPath, IProgress<BuildProgress>? progress = null)
    {
        var added = new List<SectionKind>();
        var dropped = new List<uint>();
        using var writer = new IndexFileWriter(outputPath);
        IndexHeader header;
        using (var source = SparseIndex.Open(sourcePath, verifyChecksums: true))
        {
            header = source.Header;
            // Version 2 bmp data (or none readable) is written anew; version 3's is copied.
            bool currentBmp = source.Ranges is { BoundsAreBitmaps: true };
            int rangeSize = currentBmp ? 0 : source.Ranges?.RangeSize ?? IndexComposer.RecordedRangeSize(source.Metadata);
            using (var file = new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            {
                foreach (var section in source.Sections)
                {
                    if ((uint)section.Kind is >= 7 and <= 9 || (!currentBmp && section.Kind is SectionKind.RangeForward or SectionKind.RangeBounds))
                        dropped.Add((uint)section.Kind);
                    else
                        CopySection(file, section, writer);
                }
            }
            if (source.TermThresholds is null || rangeSize > 0)
            {
                var postings = Decode(source, progress);
                if (source.TermThresholds is null)
                {
                    TermThresholdsWriter.Write(writer.BeginSection(SectionKind.TermThresholds), postings);
                    writer.EndSection();
                    added.Add(SectionKind.TermThresholds);
                }
                if (rangeSize > 0)
                {
                    var terms = new TermEntry[source.TermCount];
                    for (int t = 0; t < terms.Length; t++)
                        terms[t] = source.Term(t);
                    using var forward = RangeForwardWriter.FromPostings(outputPath, postings, source.DocumentCount, rangeSize);
                    added.AddRange(RangeBoundsWriter.WriteSections(writer, forward, source.DocumentCount, postings, terms));
                }
            }
        }
        // The counts, scale and quantization carry over; the writer sets the version, section count and checksum.
        writer.Commit(header);
        return new Result(header.Version, added, dropped, new FileInfo(outputPath).Length);
    }

    private static void CopySection(FileStream file, SectionEntry section, IndexFileWriter writer)
    {
        var output = writer.BeginSection(section.Kind);
        var buffer = new byte[1 << 20];
        file.Position = (long)section.Offset;
        for (long left = (long)section.Length; left > 0;)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
            if (read == 0)
                throw new IndexCorruptException(file.Name, $"section {section.Kind} ends past the end of the file");
            output.Write(buffer, 0, read);
            left -= read;
        }
        writer.EndSection();
    }

    /// <summary>Every posting list decoded, as the builders hold them before compression.</summary>
    private static InvertedLists Decode(SparseIndex index, IProgress<BuildProgress>? progress)
    {
        var starts = new long[index.TermCount + 1];
        for (int t = 0; t < index.TermCount; t++)
            starts[t + 1] = starts[t] + index.Term(t).PostingCount;
        var postings = InvertedLists.Allocate(starts);
        var next = (long[])starts.Clone();
        ForwardLists.ForEachPosting(index, new BlockPostingCursor[1], (term, doc, impact) =>
        {
            long slot = next[term]++;
            postings.DocIds[slot] = doc;
            postings.Impacts[slot] = (ushort)impact;
        });
        progress?.Report(new BuildProgress("reading postings", index.TermCount, index.TermCount, "terms"));
        return postings;
    }
}
