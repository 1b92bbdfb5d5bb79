using Google.Protobuf;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Interop;
using SpladeFast.Interop.Ciff;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Interop;

public class CiffTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void Export_then_import_gives_the_same_postings_and_document_ids(int rangeSize)
    {
        using var dir = new TempDirectory();
        var (original, collection) = TestIndex.BuildSynthetic(dir, documents: 700, queries: 5, seed: 4);
        using var _ = original;
        var report = CiffExport.Write(original, dir.File("a.ciff"));
        Assert.Equal(original.PostingCount, report.Postings);

        CiffImport.Import(dir.File("a.ciff"), dir.File("b.sfi"), new ListImportOptions { VocabularyPath = collection.Vocabulary, RangeSize = rangeSize });
        using var imported = SparseIndex.Open(dir.File("b.sfi"));
        Assert.Equal(rangeSize == 0, imported.Ranges is null);
        Assert.Equal(original.ImpactScale, imported.ImpactScale);
        TestIndex.AssertSameDocuments(original, imported);
    }


    [Fact]
    public void A_ciff_gz_export_is_gzip_and_imports_the_same()
    {
        using var dir = new TempDirectory();
        var (original, collection) = TestIndex.BuildSynthetic(dir, documents: 700, queries: 5, seed: 4);
        using var _ = original;
        CiffExport.Write(original, dir.File("a.ciff.gz"));
        var magic = File.ReadAllBytes(dir.File("a.ciff.gz"))[..2];
        Assert.Equal(new byte[] { 0x1f, 0x8b }, magic);
        CiffImport.Import(dir.File("a.ciff.gz"), dir.File("b.sfi"), new ListImportOptions { VocabularyPath = collection.Vocabulary });
        using var imported = SparseIndex.Open(dir.File("b.sfi"));
        TestIndex.AssertSameDocuments(original, imported);
    }
    [Fact]
    public void The_file_follows_the_ciff_layout_with_d_gaps_and_impact_lengths()
    {
        using var dir = new TempDirectory();
        using var index = TestIndex.Build(dir, [new TestDocument("x", [("b", 0.02), ("a", 0.05)]), new TestDocument("y", []), new TestDocument("z", [("a", 0.01)])]);
        CiffExport.Write(index, dir.File("i.ciff"));
        using var stream = File.OpenRead(dir.File("i.ciff"));
        var header = Header.Parser.ParseDelimitedFrom(stream);
        Assert.Equal((1, 2, 3, 8L), (header.Version, header.NumPostingsLists, header.NumDocRecords, header.TotalTermsInCollection));
        var lists = Enumerable.Range(0, 2).Select(_ => PostingsList.Parser.ParseDelimitedFrom(stream)).ToDictionary(l => l.Term);
        Assert.Equal([(0, 5), (2, 1)], lists["a"].Postings.Select(p => (p.Docid, p.Tf)));
        Assert.Equal((2L, 6L), (lists["a"].Df, lists["a"].Cf));
        var records = Enumerable.Range(0, 3).Select(_ => DocRecord.Parser.ParseDelimitedFrom(stream)).ToArray();
        Assert.Equal([("x", 7), ("y", 0), ("z", 1)], records.Select(r => (r.CollectionDocid, r.Doclength)));
        Assert.Equal(-1, stream.ReadByte());
    }

    [Fact]
    public void Bad_ciff_files_are_refused_naming_the_message_and_write_nothing()
    {
        using var dir = new TempDirectory();
        void WriteCiff(string name, int documents, params PostingsList[] lists)
        {
            using var stream = File.Create(dir.File(name));
            new Header { Version = 1, NumPostingsLists = lists.Length, NumDocRecords = documents }.WriteDelimitedTo(stream);
            foreach (var list in lists)
                list.WriteDelimitedTo(stream);
            for (int d = 0; d < documents; d++)
                new DocRecord { Docid = d, CollectionDocid = $"d{d}" }.WriteDelimitedTo(stream);
        }
        PostingsList List(string term, params (int Gap, int Tf)[] postings)
        {
            var list = new PostingsList { Term = term, Df = postings.Length };
            list.Postings.AddRange(postings.Select(p => new Posting { Docid = p.Gap, Tf = p.Tf }));
            return list;
        }
        WriteCiff("gap.ciff", 3, List("a", (0, 1)), List("b", (1, 1), (0, 2)));
        WriteCiff("tf.ciff", 3, List("a", (0, 70000)));
        WriteCiff("range.ciff", 2, List("a", (0, 1), (5, 1)));
        WriteCiff("twice.ciff", 2, List("a", (0, 1)), List("a", (1, 1)));
        WriteCiff("ok.ciff", 3, List("a", (0, 1)), List("b", (1, 1), (1, 2)));
        Assert.Equal(3, CiffImport.Import(dir.File("ok.ciff"), dir.File("ok.sfi"), new ListImportOptions()).Postings);
        File.WriteAllBytes(dir.File("truncated.ciff"), File.ReadAllBytes(dir.File("ok.ciff"))[..^3]);
        var expected = new Dictionary<string, string>
        {
            ["gap.ciff"] = "gap.ciff:3: term 'b': posting 1 has docid gap 0",
            ["tf.ciff"] = "tf.ciff:2: term 'a': tf 70000 of docid 0 is not an impact in 1..65535",
            ["range.ciff"] = "range.ciff:2: term 'a': docid 5 is not below the header's 2 documents",
            ["twice.ciff"] = "twice.ciff:3: term 'a' has a second posting list",
            ["truncated.ciff"] = "truncated.ciff:6: not a CIFF message",
        };
        foreach (var (name, message) in expected)
        {
            var error = Assert.Throws<InputException>(() => CiffImport.Import(dir.File(name), dir.File("out.sfi"), new ListImportOptions()));
            Assert.True(error.Message.Contains(message, StringComparison.Ordinal), error.Message);
            Assert.False(File.Exists(dir.File("out.sfi")));
        }
    }
}
