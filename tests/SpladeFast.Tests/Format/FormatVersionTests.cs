using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SpladeFast.Algorithms;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Rewrite;
using SpladeFast.Tests.Support;
using SpladeFast.TopK;

namespace SpladeFast.Tests.Format;

/// <summary>Files of every supported format version open, older ones upgrade, others are refused by name.</summary>
public class FormatVersionTests
{
    private static readonly QueryVector[] Queries =
        Enumerable.Range(0, 8).Select(t => new QueryVector($"q{t}", [new QueryTerm(t % 6, 3), new QueryTerm((t + 2) % 6, 1)])).ToArray();

    internal static SparseIndex Current(TempDirectory dir)
    {
        var documents = Enumerable.Range(0, 400).Select(d => new TestDocument($"doc-{d}",
            Enumerable.Range(0, 6).Where(t => (d + t) % (t + 2) == 0).Select(t => ($"tok{t}", 0.05 * (1 + (d * 31 + t) % 40))).ToList())).ToArray();
        return TestIndex.Build(dir, documents, rangeSize: 16);
    }

    /// <summary>
    /// <paramref name="source"/>'s contents as a version 1 writer left them: no TermThresholds section (files written
    /// before it), and the bmp data in an earlier layout (a section of kind 7, which version 2 readers skip).
    /// </summary>
    internal static string WriteVersion1(SparseIndex source, string path)
    {
        var bytes = File.ReadAllBytes(source.Path);
        using (var writer = new IndexFileWriter(path))
        {
            foreach (var section in source.Sections)
            {
                var content = bytes.AsSpan((int)section.Offset, (int)section.Length);
                if (section.Kind is SectionKind.RangeForward or SectionKind.RangeForwardPacked)
                    writer.WriteSection((SectionKind)7, content);
                else if (section.Kind is not (SectionKind.TermThresholds or SectionKind.RangeBounds or SectionKind.RangeBoundsBitmap))
                    writer.WriteSection(section.Kind, content);
            }
            writer.Commit(source.Header);
        }
        StampVersion(path, 1);
        return path;
    }

    /// <summary>Sets the header's version and its checksum to match, as a writer of that version would.</summary>
    internal static void StampVersion(string path, uint version)
    {
        var file = File.ReadAllBytes(path);
        var header = MemoryMarshal.Read<IndexHeader>(file);
        header.Version = version;
        header.Checksum = IndexFileWriter.HeaderChecksum(header, file.AsSpan(IndexLayout.HeaderSize, (int)header.SectionCount * IndexLayout.SectionEntrySize));
        MemoryMarshal.Write(file, in header);
        File.WriteAllBytes(path, file);
    }

    /// <summary>A fresh index and its version 1 copy (v1.sfi) in one temporary directory.</summary>
    private sealed class Version1Files : IDisposable
    {
        public Version1Files()
        {
            Current = FormatVersionTests.Current(Dir);
            Path = WriteVersion1(Current, Dir.File("v1.sfi"));
        }

        public TempDirectory Dir { get; } = new();
        public SparseIndex Current { get; }
        public string Path { get; }

        public void Dispose()
        {
            Current.Dispose();
            Dir.Dispose();
        }
    }

    private static SearchHit[][] Answers(SparseIndex index, string algorithm) =>
        Queries.Select(q => new SearchContext(index).Search(q, 10, SearchAlgorithms.Get(algorithm)).ToArray()).ToArray();

    private static SectionEntry Section(SparseIndex index, SectionKind kind) => index.Sections.Single(s => s.Kind == kind);

    [Fact]
    public void The_current_version_is_written_and_lies_in_the_supported_range()
    {
        using var dir = new TempDirectory();
        using var index = Current(dir);
        Assert.Equal(IndexLayout.Version, index.Header.Version);
        Assert.InRange(IndexLayout.OldestSupportedVersion, 1u, IndexLayout.Version);
        Assert.NotNull(index.TermThresholds);
        Assert.NotNull(index.Ranges);
    }

    [Fact]
    public void A_version_1_file_opens_without_the_newer_sections_and_answers_as_before()
    {
        using var files = new Version1Files();
        var current = files.Current;
        using var old = SparseIndex.Open(files.Path);
        Assert.Equal(1u, old.Header.Version);
        Assert.Null(old.TermThresholds);
        Assert.Null(old.Ranges);
        foreach (var algorithm in new[] { "ranked_or", "maxscore", "wand", "block_max_wand", "block_max_maxscore" })
            Assert.Equal(Answers(current, algorithm), Answers(old, algorithm));
    }

    [Fact]
    public void Upgrade_computes_what_version_1_lacked_and_answers_identically()
    {
        using var files = new Version1Files();
        var (dir, current) = (files.Dir, files.Current);
        var result = IndexUpgrader.Upgrade(files.Path, dir.File("v2.sfi"));
        Assert.Equal(1u, result.FromVersion);
        Assert.Equal([SectionKind.TermThresholds, SectionKind.RangeForwardPacked, SectionKind.RangeBoundsBitmap], result.Added);
        Assert.Equal([7u], result.Dropped);
        Assert.Equal(new FileInfo(dir.File("v2.sfi")).Length, result.Bytes);

        using var upgraded = SparseIndex.Open(dir.File("v2.sfi"));
        Assert.Equal(IndexLayout.Version, upgraded.Header.Version);
        // Every section the same bytes as a fresh build's: copied, or computed as the builder computes it.
        foreach (var section in current.Sections)
            Assert.Equal(section.Checksum, Section(upgraded, section.Kind).Checksum);
        Assert.Equal(current.Sections.Count, upgraded.Sections.Count);
        foreach (var algorithm in SearchAlgorithms.Names)
            Assert.Equal(Answers(current, algorithm), Answers(upgraded, algorithm));
    }

    [Fact]
    public void Upgrade_keeps_a_reordered_index_s_input_ordinals_so_ties_break_as_before()
    {
        using var files = new Version1Files();
        using var reordered = TestIndex.Shuffled(files.Dir, files.Current, seed: 7);
        Assert.False(reordered.Order.IsIdentity);
        string v1 = WriteVersion1(reordered, files.Dir.File("reordered-v1.sfi"));
        IndexUpgrader.Upgrade(v1, files.Dir.File("reordered-v2.sfi"));
        using var upgraded = SparseIndex.Open(files.Dir.File("reordered-v2.sfi"));
        Assert.Equal(Section(reordered, SectionKind.DocumentOrder).Checksum, Section(upgraded, SectionKind.DocumentOrder).Checksum);
        foreach (var algorithm in SearchAlgorithms.Names)
            Assert.Equal(Answers(reordered, algorithm), Answers(upgraded, algorithm));
    }

    [Fact]
    public void Upgrade_in_place_replaces_the_file_and_a_current_file_is_copied_unchanged()
    {
        using var files = new Version1Files();
        var (dir, current, path) = (files.Dir, files.Current, files.Path);
        IndexUpgrader.Upgrade(path, path);
        using (var upgraded = SparseIndex.Open(path))
            Assert.Equal(IndexLayout.Version, upgraded.Header.Version);
        Assert.Empty(Directory.GetFiles(dir.Path, "v1.sfi.tmp-*"));

        var copy = IndexUpgrader.Upgrade(current.Path, dir.File("copy.sfi"));
        Assert.Empty(copy.Added);
        Assert.Empty(copy.Dropped);
        Assert.Equal(File.ReadAllBytes(current.Path), File.ReadAllBytes(dir.File("copy.sfi")));
    }

    [Theory]
    [InlineData(IndexLayout.Version + 1, "newer than this build reads versions", "open it with the splade-fast that wrote it, or a newer one")]
    [InlineData(IndexLayout.OldestSupportedVersion - 1, "older than this build reads versions", "rebuild it from its input with 'splade-fast index'")]
    public void A_file_outside_the_supported_range_is_refused_with_its_version_the_range_and_what_to_run(uint version, string why, string what)
    {
        using var dir = new TempDirectory();
        using (var current = Current(dir))
            File.Copy(current.Path, dir.File("other.sfi"));
        StampVersion(dir.File("other.sfi"), version);
        var error = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(dir.File("other.sfi")));
        Assert.Equal($"{dir.File("other.sfi")}: corrupt or unreadable index: format version {version}, {why} "
            + $"{IndexLayout.OldestSupportedVersion} to {IndexLayout.Version}: {what}", error.Message);
        Assert.Throws<IndexCorruptException>(() => IndexUpgrader.Upgrade(dir.File("other.sfi"), dir.File("upgraded.sfi")));
        Assert.False(File.Exists(dir.File("upgraded.sfi")));
    }

    [Fact]
    public void A_damaged_version_field_is_not_mistaken_for_a_newer_file()
    {
        using var dir = new TempDirectory();
        using (var current = Current(dir))
            File.Copy(current.Path, dir.File("damaged.sfi"));
        var bytes = File.ReadAllBytes(dir.File("damaged.sfi"));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), IndexLayout.Version + 1);
        File.WriteAllBytes(dir.File("damaged.sfi"), bytes);
        var error = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(dir.File("damaged.sfi")));
        Assert.EndsWith("(or its header is damaged: the header checksum does not match)", error.Message);
    }

    [Fact]
    public void A_version_2_file_without_the_sections_version_2_requires_is_damaged()
    {
        using var files = new Version1Files();
        var (dir, current, path) = (files.Dir, files.Current, files.Path);
        StampVersion(path, 2);
        var error = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(path));
        Assert.Contains("section kind 7 (an earlier bmp layout) in a version 2 file", error.Message);

        using (var writer = new IndexFileWriter(dir.File("no-thresholds.sfi")))
        {
            var bytes = File.ReadAllBytes(current.Path);
            foreach (var section in current.Sections.Where(s => s.Kind != SectionKind.TermThresholds))
                writer.WriteSection(section.Kind, bytes.AsSpan((int)section.Offset, (int)section.Length));
            writer.Commit(current.Header);
        }
        error = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(dir.File("no-thresholds.sfi")));
        Assert.Contains($"section TermThresholds is missing (every version {IndexLayout.Version} file has it)", error.Message);
    }

    [Fact]
    public void A_version_2_file_opens_with_its_bmp_layout_answers_as_before_and_upgrades_to_the_compact_one()
    {
        using var dir = new TempDirectory();
        using var current = Current(dir);
        var documents = Enumerable.Range(0, 400).Select(d => new TestDocument($"doc-{d}",
            Enumerable.Range(0, 6).Where(t => (d + t) % (t + 2) == 0).Select(t => ($"tok{t}", 0.05 * (1 + (d * 31 + t) % 40))).ToList())).ToArray();
        string path = TestIndex.BuildVersion2(dir, documents, rangeSize: 16);
        using (var old = SparseIndex.Open(path))
        {
            Assert.Equal(2u, old.Header.Version);
            Assert.Contains(old.Sections, s => s.Kind == SectionKind.RangeForward);
            Assert.Contains(old.Sections, s => s.Kind == SectionKind.RangeBounds);
            Assert.False(old.Ranges!.IsPacked || old.Ranges.BoundsAreBitmaps);
            old.Ranges.Validate(old.Path);
            foreach (var algorithm in SearchAlgorithms.Names)
                Assert.Equal(Answers(current, algorithm), Answers(old, algorithm));
        }
        var result = IndexUpgrader.Upgrade(path, dir.File("v3.sfi"));
        Assert.Equal(2u, result.FromVersion);
        Assert.Equal([SectionKind.RangeForwardPacked, SectionKind.RangeBoundsBitmap], result.Added);
        Assert.Equal([(uint)SectionKind.RangeForward, (uint)SectionKind.RangeBounds], result.Dropped);
        using var upgraded = SparseIndex.Open(dir.File("v3.sfi"));
        Assert.Equal(IndexLayout.Version, upgraded.Header.Version);
        Assert.Equal(current.Sections.Count, upgraded.Sections.Count);
        foreach (var section in current.Sections.Where(s => s.Kind != SectionKind.Metadata))
            Assert.Equal(section.Checksum, Section(upgraded, section.Kind).Checksum);
        Assert.True(new FileInfo(dir.File("v3.sfi")).Length < new FileInfo(path).Length);
        foreach (var algorithm in SearchAlgorithms.Names)
            Assert.Equal(Answers(current, algorithm), Answers(upgraded, algorithm));
    }

    [Fact]
    public void A_bmp_section_of_the_other_layout_than_the_version_names_is_damage()
    {
        using var dir = new TempDirectory();
        using var current = Current(dir);
        var bytes = File.ReadAllBytes(current.Path);
        using (var writer = new IndexFileWriter(dir.File("v3-with-v2-bounds.sfi")))
        {
            foreach (var section in current.Sections)
                writer.WriteSection(section.Kind == SectionKind.RangeBoundsBitmap ? SectionKind.RangeBounds : section.Kind, bytes.AsSpan((int)section.Offset, (int)section.Length));
            writer.Commit(current.Header);
        }
        var error = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(dir.File("v3-with-v2-bounds.sfi")));
        Assert.Contains($"section RangeBounds (the version 2 bmp layout) in a version {IndexLayout.Version} file", error.Message);

        File.Copy(current.Path, dir.File("v2-with-v3-sections.sfi"));
        StampVersion(dir.File("v2-with-v3-sections.sfi"), 2);
        error = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(dir.File("v2-with-v3-sections.sfi")));
        Assert.Contains("(the version 3 bmp layout) in a version 2 file", error.Message);
    }

    [Fact]
    public void A_damaged_version_1_file_is_detected_and_not_upgraded()
    {
        using var files = new Version1Files();
        var (dir, path) = (files.Dir, files.Path);
        var bytes = File.ReadAllBytes(path);
        using (var old = SparseIndex.Open(path))
            bytes[(int)Section(old, SectionKind.DocumentIds).Offset + 3] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<IndexCorruptException>(() => IndexUpgrader.Upgrade(path, dir.File("v2.sfi")));
        Assert.Contains("checksum mismatch in section DocumentIds", error.Message);
        Assert.False(File.Exists(dir.File("v2.sfi")));
        Assert.Empty(Directory.GetFiles(dir.Path, "v2.sfi.tmp-*"));
    }
}

[Collection("Console")]
public class UpgradeCommandTests
{
    [Fact]
    public void Check_names_the_upgrade_and_upgrade_rewrites_in_place_once()
    {
        using var dir = new TempDirectory();
        string path;
        using (var current = FormatVersionTests.Current(dir))
            path = FormatVersionTests.WriteVersion1(current, dir.File("v1.sfi"));
        var check = CliRunner.Run("check", "--index", path);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains($"format version 1, still read; 'splade-fast upgrade --index {path}' rewrites it as version {IndexLayout.Version}", check.Out);

        var upgrade = CliRunner.Run("upgrade", "--index", path);
        Assert.Equal(0, upgrade.ExitCode);
        Assert.Contains($"{path}: format version 1 -> {IndexLayout.Version}, added TermThresholds, RangeForwardPacked, RangeBoundsBitmap, dropped section kinds 7 (an earlier bmp layout) -> {path}", upgrade.Out);
        var again = CliRunner.Run("upgrade", "--index", path);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains($"{path}: already format version {IndexLayout.Version}; nothing to do", again.Out);
        check = CliRunner.Run("check", "--index", path);
        Assert.DoesNotContain("upgrade", check.Out);
    }
}
