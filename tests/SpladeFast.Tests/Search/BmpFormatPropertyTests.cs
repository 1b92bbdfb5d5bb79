using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Quantize;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Search;

/// <summary>
/// bmp over both bmp layouts a reader meets: version 2 (RangeForward, RangeBounds) and version 3 (RangeForwardPacked
/// where the impacts pack, else RangeForward; RangeBoundsBitmap), memory-mapped and in memory, equals brute force
/// exactly, ties included; both answer the same, and both validate.
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
        }
    }

    [Fact]
    public void Packed_entries_hold_the_document_offset_below_the_impact()
    {
        Assert.Equal([0, 1, 2, 2, 3, 6, 7, 8], new[] { 1, 2, 3, 4, 5, 64, 65, 256 }.Select(RangeForwardLayout.DocBits));
        Assert.True(RangeForwardLayout.ImpactsPack(1023, 64));
        Assert.False(RangeForwardLayout.ImpactsPack(1024, 64));
        Assert.True(RangeForwardLayout.ImpactsPack(ushort.MaxValue, 1));
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
