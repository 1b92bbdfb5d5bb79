using SpladeFast.Algorithms;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Storage;
using SpladeFast.Tests.Support;
using SpladeFast.TopK;

namespace SpladeFast.Tests.Format;

public class CorruptionTests
{
    private static (byte[] Bytes, SearchHit[][] Expected, QueryVector[] Queries) SmallIndex(TempDirectory dir)
    {
        var documents = Enumerable.Range(0, 300).Select(d => new TestDocument($"doc-{d}",
            Enumerable.Range(0, 6).Where(t => (d + t) % (t + 2) == 0).Select(t => ($"tok{t}", 0.05 * (1 + (d * 31 + t) % 40))).ToList())).ToArray();
        using var index = TestIndex.Build(dir, documents);
        var queries = Enumerable.Range(0, 6).Select(t => new QueryVector($"q{t}", [new QueryTerm(t, 2), new QueryTerm((t + 1) % 6, 1)])).ToArray();
        var context = new SearchContext(index);
        var expected = queries.Select(q => context.Search(q, 10, new RankedOr()).ToArray()).ToArray();
        return (File.ReadAllBytes(index.Path), expected, queries);
    }

    /// <summary>Opening a damaged copy either fails with a clear error or (bytes no checksum covers) answers as before.</summary>
    private static void AssertDetectedOrHarmless(byte[] bytes, SearchHit[][] expected, QueryVector[] queries, string what)
    {
        SparseIndex index;
        try
        {
            index = SparseIndex.Open(new InMemoryStorage("damaged.sfi", bytes));
        }
        catch (IndexCorruptException ex)
        {
            Assert.StartsWith("damaged.sfi: corrupt or unreadable index: ", ex.Message);
            return;
        }
        using (index)
        {
            var context = new SearchContext(index);
            for (int q = 0; q < queries.Length; q++)
                Assert.True(expected[q].AsSpan().SequenceEqual(context.Search(queries[q], 10, new RankedOr())), $"{what} changed an answer without being detected");
        }
    }

    [Fact]
    public void Every_single_byte_flip_is_detected_or_harmless()
    {
        using var dir = new TempDirectory();
        var (bytes, expected, queries) = SmallIndex(dir);
        int detected = 0;
        for (int position = 0; position < bytes.Length; position++)
        {
            var damaged = bytes.ToArray();
            damaged[position] ^= (byte)(1 << (position % 8));
            try
            {
                using var _ = SparseIndex.Open(new InMemoryStorage("damaged.sfi", damaged));
            }
            catch (IndexCorruptException)
            {
                detected++;
                continue;
            }
            AssertDetectedOrHarmless(damaged, expected, queries, $"flip at {position}");
        }
        // Only alignment padding and unused section-table slots are outside every checksum.
        Assert.True(detected > bytes.Length * 9 / 10, $"{detected} of {bytes.Length} flips detected");
    }

    /// <summary>
    /// Opened without checksum verification (<c>--no-verify</c>), a damaged index may answer wrongly but never
    /// crashes: every flip in every section either fails the structure check or leaves every algorithm answering,
    /// or failing with a corrupt-index error that names the file and the section.
    /// </summary>
    [Fact]
    public void Unverified_damage_anywhere_gives_answers_or_a_corrupt_section_error_never_a_crash()
    {
        using var dir = new TempDirectory();
        var (bytes, _, queries) = SmallIndex(dir);
        int searched = 0, reported = 0;
        for (int position = IndexLayout.HeaderSize; position < bytes.Length; position++)
        {
            var damaged = bytes.ToArray();
            damaged[position] ^= (byte)(1 << (position % 8));
            SparseIndex index;
            try
            {
                index = SparseIndex.Open(new InMemoryStorage("damaged.sfi", damaged), verifyChecksums: false);
            }
            catch (IndexCorruptException)
            {
                continue;
            }
            using (index)
            {
                var context = new SearchContext(index);
                foreach (var algorithm in SearchAlgorithms.All)
                {
                    foreach (var query in queries)
                    {
                        try
                        {
                            context.Search(query, 10, algorithm);
                            searched++;
                        }
                        catch (IndexCorruptException ex)
                        {
                            Assert.StartsWith("damaged.sfi: corrupt or unreadable index: section ", ex.Message);
                            reported++;
                        }
                    }
                }
            }
        }
        Assert.True(searched > 0 && reported > 0, $"{searched} answered, {reported} reported");
    }

    [Fact]
    public void Every_truncation_is_detected()
    {
        using var dir = new TempDirectory();
        var (bytes, _, _) = SmallIndex(dir);
        for (int length = 0; length < bytes.Length; length += Math.Max(1, length / 50))
        {
            var ex = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(new InMemoryStorage("cut.sfi", bytes.AsSpan(0, length))).Dispose());
            Assert.Contains("cut.sfi", ex.Message);
        }
    }

    [Fact]
    public void A_truncated_file_on_disk_gives_a_clear_error_through_memory_mapping()
    {
        using var dir = new TempDirectory();
        var (bytes, _, _) = SmallIndex(dir);
        string path = dir.File("truncated.sfi");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(path).Dispose());
        Assert.Contains("truncated", ex.Message);
        File.WriteAllBytes(path, []);
        Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(path).Dispose());
        File.WriteAllText(path, new string('x', 4096));
        Assert.Contains("bad magic", Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(path).Dispose()).Message);
    }

    [Fact]
    public void Check_finds_damage_in_postings_that_structure_checks_cannot_see()
    {
        using var dir = new TempDirectory();
        var (bytes, _, _) = SmallIndex(dir);
        using var original = SparseIndex.Open(new InMemoryStorage("x.sfi", bytes));
        var postings = original.Sections.Single(s => s.Kind == SectionKind.Postings);
        bytes[postings.Offset + 3] ^= 0x10;
        using var unverified = SparseIndex.Open(new InMemoryStorage("x.sfi", bytes), verifyChecksums: false);
        var ex = Assert.Throws<IndexCorruptException>(unverified.VerifyChecksums);
        Assert.Contains("checksum mismatch in section Postings", ex.Message);
    }

    [Fact]
    public void Check_finds_bmp_structure_damage_that_opening_without_checksums_lets_through()
    {
        using var dir = new TempDirectory();
        var (bytes, _, _) = SmallIndex(dir);
        using (var good = SparseIndex.Open(new InMemoryStorage("good.sfi", bytes)))
            good.Ranges!.Validate(good.Path);

        using var opened = SparseIndex.Open(new InMemoryStorage("good.sfi", bytes));
        var section = opened.Sections.Single(s => s.Kind == SectionKind.RangeForwardPacked);
        int ranges = opened.Ranges!.RangeCount;
        long pairs = BitConverter.ToInt64(bytes, (int)section.Offset + 8), entries = BitConverter.ToInt64(bytes, (int)section.Offset + 16);
        int termLines = BitConverter.ToInt32(bytes, (int)section.Offset + 24);
        long termSets = (long)section.Offset + (long)RangeForwardLayout.TermSetsOffset((ulong)ranges);
        long startBits = termSets + (long)ranges * termLines * RangeForwardLayout.LineBytes;
        long entryData = startBits + (long)RangeForwardLayout.StartWords((ulong)entries) * sizeof(ulong);

        var unordered = bytes.ToArray();
        unordered[termSets] ^= 0x01; // the first range gains or loses term 0: its set no longer matches its pairs
        var above = bytes.ToArray();
        above[entryData] = above[entryData + 1] = 255; // the first entry's impact all ones, past its term's maximum, or the second's document out of order
        var unstarted = bytes.ToArray();
        unstarted[startBits] ^= 0x01; // the first range's first entry no longer starts a pair
        var split = bytes.ToArray();
        split[startBits] ^= 0x02; // the second entry starts a pair, or no longer does: the bits no longer count the pairs
        foreach (var (damaged, what) in new[] { (unordered, "term"), (above, "bmp range 0 has"), (unstarted, "pair-start bitmap"), (split, "pair-start bitmap") })
        {
            using var index = SparseIndex.Open(new InMemoryStorage("damaged.sfi", damaged), verifyChecksums: false);
            var ex = Assert.Throws<IndexCorruptException>(() => index.Ranges!.Validate(index.Path));
            Assert.Contains("damaged.sfi", ex.Message);
            Assert.Contains(what, ex.Message);
        }
        Assert.True(entries > 1 && pairs > 0);
    }
}

[Collection("Console")]
public class DamagedIndexCliTests
{
    /// <summary>Case bmp-damaged-no-verify: an IndexOutOfRangeException ended the process (exit 134).</summary>
    [Fact]
    public void The_damaged_bmp_case_reports_the_file_and_section()
    {
        string Case(string file) => CaseFiles.Path("2026-11-30", "bmp-damaged-no-verify", file);
        using var dir = new TempDirectory();
        var (code, _, error) = CliRunner.Run("query", "--index", Case("small-rangeforward-38848.sfi"), "--queries", Case("q-small.tsv"),
            "--k", "10", "--algorithm", "bmp", "--no-verify", "--run", dir.File("r.trec"));
        Assert.Equal(1, code);
        Assert.Contains("small-rangeforward-38848.sfi: corrupt or unreadable index: section RangeForward", error);
        Assert.Contains("checksum mismatch in section RangeForward", CliRunner.Run("check", "--index", Case("small-rangeforward-38848.sfi")).Error);
    }
}
