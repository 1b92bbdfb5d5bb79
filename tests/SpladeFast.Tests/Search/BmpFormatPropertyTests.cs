using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Quantize;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Search;

/// <summary>
/// bmp over both bmp layouts a reader meets: version 2 (RangeForward, RangeBounds) and version 3 (RangeForwardPacked
/// where the impacts pack, else RangeForward; RangeBoundsBitmap), memory-mapped and in memory, equals brute force
/// exactly, ties included; both answer the same, and both validate. And the version 3 layout read piece by piece
/// against the version 2 one as the reference: every (range, term) lookup (pair-start bitmap, bit-packed entries)
/// and every term's range bounds (bitmap, Elias-Fano list, expanded tiles).
/// </summary>
public class BmpFormatPropertyTests
{
    [Fact]
    public void Bmp_over_version_2_and_version_3_files_equals_brute_force_on_random_collections() =>
        ExactSearchPropertyTests.Cases.Sample(CheckCase, iter: 40, threads: 1);

    [Fact]
    public void Impacts_that_fit_beside_the_document_offset_are_packed_and_larger_ones_keep_three_byte_entries()
    {
        foreach (var (weight, rangeSize, packed) in new[] { (10.23, 64, true), (10.24, 64, false), (2.55, 256, true), (2.56, 256, false), (655.35, 1, true) })
        {
            var documents = Enumerable.Range(0, 300).Select(d => new TestDocument($"d{d}",
                [("w0", d % 5 == 0 ? weight : 0.01 * (1 + d % 9)), ("w1", 0.02 * (1 + d % 4))])).ToArray();
            CheckCase(new ExactSearchPropertyTests.Case(documents, [[(0, 2u), (1, 1u)], [(1, 3u)]], 10, 2, rangeSize));
            using var dir = new TempDirectory();
            using var index = TestIndex.Build(dir, documents, rangeSize: rangeSize);
            Assert.Equal(packed, index.Ranges!.IsPacked);
            Assert.Single(index.Sections, s => s.Kind == (packed ? SectionKind.RangeForwardPacked : SectionKind.RangeForward));
            Assert.Equal(packed ? RangeForwardLayout.DocBits(rangeSize) : 0, index.Ranges.DocBits);
            Assert.Equal(packed ? RangeForwardLayout.ImpactBits(index.Header.MaxImpact) : 0, index.Ranges.ImpactBits);
        }
    }

    [Fact]
    public void A_range_of_65535_entries_packs_and_one_of_65536_keeps_the_unpacked_layout()
    {
        foreach (var (terms, packed) in new[] { (255, true), (256, false) })
        {
            // 256 documents in one range of 256; the last holds `terms` terms, the others all 256.
            var documents = Enumerable.Range(0, 256).Select(d => new TestDocument($"d{d}",
                Enumerable.Range(0, d == 255 ? terms : 256).Select(t => ($"t{t}", 0.01 * (1 + (d + t) % 50))).ToList())).ToArray();
            using var dir = new TempDirectory();
            using var index = TestIndex.Build(dir, documents, rangeSize: 256);
            Assert.Equal(255 * 256 + terms, index.Ranges!.Range(0).EntryCount);
            Assert.Equal(packed, index.Ranges.IsPacked);
            index.Ranges.Validate(index.Path);
            string version2 = TestIndex.BuildVersion2(dir, documents, 256);
            using var old = SparseIndex.Open(version2);
            CheckLayout(index, old);
        }
    }

    [Fact]
    public void Single_entry_pairs_empty_ranges_and_documents_without_terms_read_back_exactly()
    {
        // Ranges of 4: range 1 and the last hold documents without terms, range 3 one document; most pairs hold one entry.
        var documents = Enumerable.Range(0, 26).Select(d => new TestDocument($"d{d}",
            d is >= 4 and < 8 or >= 24 || d is 12 or 14 or 15 ? [] : d is 13 ? [("w12", 1.5)]
                : Enumerable.Range(0, 5).Where(t => (d * 7 + t) % 3 != 0).Select(t => ($"w{(d * 3 + t) % 11}", 0.1 * (1 + (d + t) % 9))).Append(("w11", 0.3)).ToList())).ToArray();
        using var dir = new TempDirectory();
        using var index = TestIndex.Build(dir, documents, rangeSize: 4);
        Assert.True(index.Ranges!.IsPacked);
        Assert.Equal(0, index.Ranges.Range(1).PairCount);
        Assert.Equal(0, index.Ranges.Range(6).EntryCount);
        Assert.Equal(1, index.Ranges.Range(3).EntryCount);
        index.Ranges.Validate(index.Path);
        using var old = SparseIndex.Open(TestIndex.BuildVersion2(dir, documents, 4));
        CheckLayout(index, old);
        CheckCase(new ExactSearchPropertyTests.Case(documents, [[(0, 2u), (3, 1u)], [(11, 3u)], [(12, 1u), (4, 5u)]], 5, 13, 4));
    }

    [Fact]
    public void Terms_of_many_ranges_keep_elias_fano_lists_or_bitmaps_and_bmp_reads_them_exactly()
    {
        // Ranges of one document (DocBits 0): w1 and w2 are sparse (Elias-Fano lists), w0 and w3 dense (bitmaps
        // expanded a tile at a time).
        const int Documents = 2_000;
        var documents = Enumerable.Range(0, Documents).Select(d => new TestDocument($"d{d}", new List<(string, double)>
        {
            ("w0", 0.01 * (1 + d % 97)),
        }.Concat(d % 100 == 7 ? [("w1", 0.5 + 0.01 * (d % 13))] : [])
         .Concat(d % 7 == 1 ? [("w2", 0.02 * (1 + d % 31))] : [])
         .Concat(d % 2 == 0 ? [("w3", 0.03 * (1 + d % 17))] : []).ToList())).ToArray();
        using var dir = new TempDirectory();
        using var index = TestIndex.Build(dir, documents, rangeSize: 1);
        var ranges = index.Ranges!;
        Assert.Equal(Documents, ranges.RangeCount);
        Assert.Equal(0, ranges.DocBits);
        int Id(string token) => index.Vocabulary.TryGetId(token, out int id) ? id : throw new KeyNotFoundException(token);
        Assert.True(TermRangeBounds.UsesEliasFano((ulong)ranges.SparseRanges(Id("w1")).Count(), Documents));
        Assert.True(TermRangeBounds.UsesEliasFano((ulong)ranges.SparseRanges(Id("w2")).Count(), Documents));
        Assert.True(ranges.IsDense(Id("w3")) && ranges.IsDense(Id("w0")));
        ranges.Validate(index.Path);
        using var old = SparseIndex.Open(TestIndex.BuildVersion2(dir, documents, 1));
        CheckLayout(index, old);
        using var inMemory = SparseIndex.Open(index.Path, IndexStorageKind.InMemory);
        CheckLayout(inMemory, old);
        CheckCase(new ExactSearchPropertyTests.Case(documents, [[(0, 2u), (1, 1u)], [(1, 3u), (2, 2u), (3, 1u)], [(2, 9u)]], 10, 4, 1));
    }

    [Fact]
    public void Layout_sizes_follow_the_documented_formulas()
    {
        Assert.Equal([1, 1, 2, 9, 9, 10, 10, 16], new uint[] { 0, 1, 2, 450, 511, 512, 1023, 65_535 }.Select(RangeForwardLayout.ImpactBits));
        Assert.Equal(4ul, RangeForwardLayout.PackedEntriesBytes(0, 15));
        Assert.Equal(15ul + 4, RangeForwardLayout.PackedEntriesBytes(8, 15));
        Assert.Equal(2ul + 4, RangeForwardLayout.PackedEntriesBytes(1, 9));
        Assert.Equal([1ul, 1, 2, 2], new ulong[] { 0, 63, 64, 127 }.Select(RangeForwardLayout.StartWords));
        // 15,625 ranges (the 1M collection): a term in 1,700 of them takes 3 low bits each and 1,700 + 1,954 + 1 upper bits.
        Assert.Equal(3, TermRangeBounds.EliasFanoLowBits(1_700, 15_625));
        Assert.Equal((1_700ul * 3 + 63) / 64 + (1_700ul + (15_624 >> 3) + 1 + 63) / 64, TermRangeBounds.EliasFanoWords(1_700, 15_625));
        Assert.True(TermRangeBounds.UsesEliasFano(1_700, 15_625));
        Assert.False(TermRangeBounds.UsesEliasFano(3_125, 15_625)); // dense: a fifth of the ranges
        Assert.False(TermRangeBounds.UsesEliasFano(0, 15_625));
        Assert.False(TermRangeBounds.UsesEliasFano(3, 64)); // one bitmap word is never beaten
    }

    [Fact]
    public void Packed_entries_hold_the_document_offset_below_the_impact()
    {
        Assert.Equal([0, 1, 2, 2, 3, 6, 7, 8], new[] { 1, 2, 3, 4, 5, 64, 65, 256 }.Select(RangeForwardLayout.DocBits));
        Assert.True(RangeForwardLayout.ImpactsPack(1023, 64));
        Assert.False(RangeForwardLayout.ImpactsPack(1024, 64));
        Assert.True(RangeForwardLayout.ImpactsPack(ushort.MaxValue, 1));
    }

    /// <summary>
    /// <paramref name="current"/>'s bmp data read piece by piece against <paramref name="old"/>'s (version 2, the same
    /// documents): each range's pairs and entries; each term found in it by <see cref="TermProbe.Locate"/> (packed) or
    /// <see cref="TermProbe.Find"/> reads the same (document, impact) entries; each term's ranges and bounds are those
    /// entries' ranges and quantized maxima, and adding them (a tile of 64 ranges at a time for a dense term) gives
    /// weight x bound.
    /// </summary>
    private static void CheckLayout(SparseIndex current, SparseIndex old)
    {
        var (ranges, reference) = (current.Ranges!, old.Ranges!);
        Assert.Equal(reference.RangeCount, ranges.RangeCount);
        var maxima = Enumerable.Range(0, current.TermCount).Select(_ => new int[ranges.RangeCount]).ToArray();
        foreach (var row in maxima)
            Array.Fill(row, -1);
        for (int r = 0; r < ranges.RangeCount; r++)
        {
            var actual = ranges.Range(r);
            var expected = reference.Range(r);
            Assert.Equal(expected.PairCount, actual.PairCount);
            Assert.Equal(expected.EntryCount, actual.EntryCount);
            for (int t = 0; t < current.TermCount; t++)
            {
                var probe = new TermProbe(t);
                int pair = probe.Find(expected.TermSet), location = actual.IsPacked ? probe.Locate(actual.TermSet) : probe.Find(actual.TermSet);
                Assert.Equal(pair < 0, location < 0);
                if (pair < 0)
                    continue;
                var entries = Entries(expected, expected.EntriesOf(pair));
                Assert.Equal(entries, Entries(actual, actual.EntriesOf(location)));
                maxima[t][r] = (int)entries.Max(e => e.Impact);
            }
        }
        for (int t = 0; t < current.TermCount; t++)
        {
            var present = Enumerable.Range(0, ranges.RangeCount).Where(r => maxima[t][r] >= 0).ToArray();
            var bounds = present.Select(r => RangeBoundsWriter.Quantize((uint)maxima[t][r], ranges.TermMaxImpact(t))).ToArray();
            Assert.Equal(present, ranges.SparseRanges(t));
            Assert.Equal(bounds, ranges.SparseBounds(t).ToArray());
            var sums = new uint[ranges.RangeCount];
            if (ranges.IsDense(t))
            {
                for (int first = 0, cursor = 0; first < sums.Length; first += 64)
                    cursor = ranges.AddDenseBounds(t, 3, first, cursor, sums.AsSpan(first, Math.Min(64, sums.Length - first)));
            }
            else
                ranges.AddSparseBounds(t, 3, sums);
            var expectedSums = new uint[ranges.RangeCount];
            for (int i = 0; i < present.Length; i++)
                expectedSums[present[i]] = 3u * bounds[i];
            Assert.Equal(expectedSums, sums);
        }
    }

    private static (int Document, uint Impact)[] Entries(RangePostings postings, Range entries)
    {
        var result = new (int, uint)[entries.End.Value - entries.Start.Value];
        for (int i = 0; i < result.Length; i++)
            result[i] = postings.Entry(entries.Start.Value + i);
        return result;
    }

    private static void CheckCase(ExactSearchPropertyTests.Case c)
    {
        using var dir = new TempDirectory();
        using var current = TestIndex.Build(dir, c.Documents, rangeSize: c.RangeSize);
        string version2 = TestIndex.BuildVersion2(dir, c.Documents, c.RangeSize);
        using var old = SparseIndex.Open(version2);
        using var oldInMemory = SparseIndex.Open(version2, IndexStorageKind.InMemory);
        using var currentInMemory = SparseIndex.Open(current.Path, IndexStorageKind.InMemory);
        Assert.Equal(IndexLayout.Version, current.Header.Version);
        Assert.Equal(2u, old.Header.Version);
        Assert.True(current.Ranges!.BoundsAreBitmaps);
        Assert.False(old.Ranges!.BoundsAreBitmaps || old.Ranges.IsPacked);
        Assert.Equal(RangeForwardLayout.ImpactsPack(current.Header.MaxImpact, c.RangeSize), current.Ranges.IsPacked);
        foreach (var index in new[] { current, old })
            index.Ranges!.Validate(index.Path);
        CheckLayout(current, old);
        CheckLayout(currentInMemory, old);
        int TermId(string token) => current.Vocabulary.TryGetId(token, out int id) ? id : -1;
        foreach (var raw in c.Queries)
        {
            var query = new QueryVector("q", raw.Select(t => new QueryTerm(TermId($"w{t.Term}"), t.Weight)).Where(t => t.TermId >= 0).ToArray());
            var expected = BruteForce.Search(c.Documents, TermId, query, c.K, ImpactQuantizer.Fixed())
                .Select(h => (c.Documents[h.DocId].Id, h.Score)).ToArray();
            foreach (var index in new[] { current, currentInMemory, old, oldInMemory })
            {
                // bmp as the CLI runs it, and one that may finish from the posting lists after the first range.
                foreach (var algorithm in new[] { new BlockMaxPruning(), new BlockMaxPruning(switchCheck: 1) })
                {
                    var actual = new SearchContext(index).Search(query, c.K, algorithm).ToArray().Select(h => (index.DocumentId(h.DocId), h.Score)).ToArray();
                    Assert.True(expected.AsSpan().SequenceEqual(actual),
                        $"version {index.Header.Version} packed {index.Ranges!.IsPacked} k={c.K}: expected [{string.Join(", ", expected.Take(10))}] got [{string.Join(", ", actual.Take(10))}]");
                }
            }
        }
    }
}
