using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Interop;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Interop;

public class PisaImportTests
{
    [Fact]
    public void Export_then_import_gives_the_same_postings_and_document_ids()
    {
        using var dir = new TempDirectory();
        var (original, collection) = TestIndex.BuildSynthetic(dir, documents: 600, queries: 5, seed: 8);
        using var _ = original;
        PisaExport.Write(original, dir.File("pisa/a"));
        PisaImport.Import(dir.File("pisa/a"), dir.File("b.sfi"), new ListImportOptions { VocabularyPath = collection.Vocabulary, RangeSize = 32 });
        using var imported = SparseIndex.Open(dir.File("b.sfi"));
        TestIndex.AssertSameDocuments(original, imported);
    }

    [Fact]
    public void Without_lexicons_terms_and_documents_are_named_by_id_and_bad_collections_are_refused()
    {
        using var dir = new TempDirectory();
        static byte[] Sequences(params uint[][] sequences) =>
            sequences.SelectMany(s => new[] { (uint)s.Length }.Concat(s)).SelectMany(BitConverter.GetBytes).ToArray();
        File.WriteAllBytes(dir.File("c.docs"), Sequences([3], [0, 2], [1]));
        File.WriteAllBytes(dir.File("c.freqs"), Sequences([5, 1], [2]));
        PisaImport.Import(dir.File("c"), dir.File("c.sfi"), new ListImportOptions());
        using (var index = SparseIndex.Open(dir.File("c.sfi")))
        {
            Assert.Equal(["0", "1"], index.Vocabulary.Tokens);
            Assert.Equal("2", index.DocumentId(2));
            Assert.Equal(3, index.PostingCount);
        }

        File.WriteAllBytes(dir.File("d.docs"), Sequences([3], [2, 1]));
        File.WriteAllBytes(dir.File("d.freqs"), Sequences([1, 1]));
        var error = Assert.Throws<InputException>(() => PisaImport.Import(dir.File("d"), dir.File("d.sfi"), new ListImportOptions()));
        Assert.Contains("d.docs:2: docid 1 at position 1 is out of order", error.Message);
        File.WriteAllBytes(dir.File("e.docs"), Sequences([3], [0])[..^2]);
        File.WriteAllBytes(dir.File("e.freqs"), Sequences([1]));
        error = Assert.Throws<InputException>(() => PisaImport.Import(dir.File("e"), dir.File("e.sfi"), new ListImportOptions()));
        Assert.Contains("e.docs:2: sequence of 1 integers runs past the end", error.Message);
        Assert.False(File.Exists(dir.File("d.sfi")) || File.Exists(dir.File("e.sfi")));
    }
}
