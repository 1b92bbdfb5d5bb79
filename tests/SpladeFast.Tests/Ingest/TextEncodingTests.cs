using System.IO.Compression;
using System.Text;
using SpladeFast.Build;
using SpladeFast.Experiments;
using SpladeFast.Eval;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Interop;
using SpladeFast.Interop.Ciff;
using SpladeFast.Interop.Vectors;
using SpladeFast.Run;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Ingest;

/// <summary>
/// Issue 15, item 1 and part of item 8: every text reader skips a leading UTF-8 BOM (also inside gzip) and looks
/// past it to detect the format; gzip is recognised by its magic bytes on every input, whatever the name; invalid
/// UTF-8 and malformed JSON are errors naming file and line, without System.Text.Json's own "LineNumber: 0".
/// </summary>
public class TextEncodingTests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Writes <paramref name="text"/> as UTF-8, after a BOM and/or gzip-compressed when asked (never named .gz).</summary>
    private static string Write(string path, string text, bool bom, bool gzip) => WriteBytes(path, Encoding.UTF8.GetBytes(text), bom, gzip);

    private static string WriteBytes(string path, byte[] bytes, bool bom, bool gzip)
    {
        byte[] content = bom ? [.. Bom, .. bytes] : bytes;
        if (gzip)
        {
            using var output = new MemoryStream();
            using (var compressor = new GZipStream(output, CompressionLevel.Fastest))
                compressor.Write(content);
            content = output.ToArray();
        }
        File.WriteAllBytes(path, content);
        return path;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Every_text_reader_skips_a_bom_and_reads_gzip_by_its_magic_bytes(bool bom, bool gzip)
    {
        using var dir = new TempDirectory();
        string Text(string name, string text) => Write(dir.File(name), text, bom, gzip);

        string docs = Text("docs.jsonl", "{\"id\": \"d1\", \"vector\": {\"tea\": 2.0, \"coffee\": 1.0}}\n{\"id\": \"d2\", \"vector\": {\"coffee\": 0.5}}\n");
        string vocab = Text("vocab.txt", "[PAD]\ntea\ncoffee\n");
        new IndexBuilder(new IndexBuildOptions { Inputs = [docs], VocabularyPath = vocab }).Build(dir.File("i.sfi"));
        using var index = SparseIndex.Open(dir.File("i.sfi"));
        Assert.Equal(["[PAD]", "tea", "coffee"], index.Vocabulary.Tokens);
        Assert.Equal("d1", index.DocumentId(0));

        // The bom/ case: the BOM must not end up in the first qid, and '{' is found behind it.
        Assert.Equal(["q1", "q2"], QueryReader.Read(Text("q.tsv", "q1\ttea tea coffee\nq2\tcoffee\n"), index.Vocabulary).Queries.Select(q => q.Id));
        var json = QueryReader.Read(Text("q.jsonl", "{\"id\": \"q1\", \"vector\": {\"tea\": 0.5}}\n"), index.Vocabulary);
        Assert.Equal("q1", Assert.Single(json.Queries).Id);
        Assert.NotEqual(1, json.WeightScale);

        Assert.Equal(["q1"], Qrels.Load(Text("qrels", "q1 0 d1 1\n")).QueryIds);
        Assert.Equal(["q1"], TrecRun.Read(Text("run", "q1 Q0 d1 1 2.5 tag\n")).Keys);
        Assert.Equal([new TextRecord("t1", "A B")], TextCorpus.Read(Text("corpus.jsonl", "{\"_id\": \"t1\", \"title\": \"A\", \"text\": \"B\"}\n")));
        Assert.Equal([new TextRecord("t1", "some text")], TextCorpus.Read(Text("corpus.tsv", "t1\tsome text\n")));
        Assert.Equal([new TextRecord("1", "smart text")], TextCorpus.Read(Text("corpus.smart", ".I 1\n.W\nsmart text\n")));
        Assert.Equal("d1", JsonVectorFile.Read(Text("v.jsonl", "{\"id\": \"d1\", \"vector\": {\"x\": 1}}\n")).Single().Id);
        Assert.Equal("q1", QueryTsvFile.Read(Text("v.tsv", "q1\tx x\n"), 1).Single().Id);
        Assert.Equal("d1", BulkVectorFile.Read(Text("v.ndjson", "{\"index\": {\"_id\": \"d1\"}}\n{\"f\": {\"x\": 1}}\n"), "f").Single().Id);
        var config = PruningExperimentConfig.Load(Text("sweep.json", "{\"synth\": {\"documents\": 10, \"queries\": 1}, \"strategies\": [{\"strategy\": \"doc-top\", \"values\": [5]}]}"));
        Assert.Equal(10, config.Synth!.Documents);

        PisaExport.Write(index, dir.File("pisa/p"));
        foreach (string lexicon in new[] { "terms", "documents" })
            Text($"pisa/p.{lexicon}", File.ReadAllText(dir.File($"pisa/p.{lexicon}")));
        PisaImport.Import(dir.File("pisa/p"), dir.File("p.sfi"), new ListImportOptions());
        using var imported = SparseIndex.Open(dir.File("p.sfi"));
        Assert.Equal(["tea", "coffee"], imported.Vocabulary.Tokens);
        Assert.Equal("d1", imported.DocumentId(0));
    }

    [Fact]
    public void Ciff_and_pisa_binaries_are_read_through_gzip_whatever_their_names()
    {
        using var dir = new TempDirectory();
        using var index = TestIndex.Build(dir, [new TestDocument("x", [("a", 0.05), ("b", 0.02)]), new TestDocument("y", [("a", 0.01)])]);
        CiffExport.Write(index, dir.File("plain.ciff"));
        // The ciff-gzip/ case: ok.ciff.gz read like ok.ciff; the name does not matter, the magic bytes do.
        foreach (string name in new[] { "ok.ciff.gz", "compressed.ciff" })
        {
            WriteBytes(dir.File(name), File.ReadAllBytes(dir.File("plain.ciff")), bom: false, gzip: true);
            var report = CiffImport.Import(dir.File(name), dir.File(name + ".sfi"), new ListImportOptions());
            Assert.Equal((2, 2, 3L), (report.Documents, report.Terms, report.Postings));
            using var imported = SparseIndex.Open(dir.File(name + ".sfi"));
            TestIndex.AssertSameDocuments(index, imported);
        }

        PisaExport.Write(index, dir.File("pisa/p"));
        foreach (string part in new[] { "docs", "freqs", "terms", "documents" })
            WriteBytes(dir.File($"pisa/p.{part}"), File.ReadAllBytes(dir.File($"pisa/p.{part}")), bom: false, gzip: true);
        PisaImport.Import(dir.File("pisa/p"), dir.File("p.sfi"), new ListImportOptions { Scale = index.ImpactScale });
        using (var imported = SparseIndex.Open(dir.File("p.sfi")))
            TestIndex.AssertSameDocuments(index, imported);

        // Inside gzip the sequence lengths cannot be checked against the file's size: a truncated one is still an error.
        File.WriteAllBytes(dir.File("t.docs"), [.. new uint[] { 1, 2, 5, 0 }.SelectMany(BitConverter.GetBytes)]);
        WriteBytes(dir.File("t.docs"), File.ReadAllBytes(dir.File("t.docs")), bom: false, gzip: true);
        WriteBytes(dir.File("t.freqs"), [.. new uint[] { 1, 1 }.SelectMany(BitConverter.GetBytes)], bom: false, gzip: true);
        var error = Assert.Throws<InputException>(() => PisaImport.Import(dir.File("t"), dir.File("t.sfi"), new ListImportOptions()));
        Assert.EndsWith("t.docs:2: sequence of 5 integers runs past the end of the file", error.Message);
    }

    public static TheoryData<string> TextReaders() => ["index", "query-tsv", "query-jsonl", "corpus", "vocab", "qrels", "run", "vectors", "query-vectors", "bulk", "pisa-documents", "config"];

    /// <summary>Reads <paramref name="file"/> as <paramref name="reader"/> would (line 1 of each is valid).</summary>
    private static void ReadAs(string reader, string file, TempDirectory dir)
    {
        var vocabulary = new Vocabulary(["a", "b"], isFixed: true);
        switch (reader)
        {
            case "index": new IndexBuilder(new IndexBuildOptions { Inputs = [file] }).Build(dir.File("i.sfi")); break;
            case "query-tsv" or "query-jsonl": QueryReader.Read(file, vocabulary); break;
            case "corpus": _ = TextCorpus.Read(file).ToList(); break;
            case "vocab": Vocabulary.Load(file); break;
            case "qrels": Qrels.Load(file); break;
            case "run": TrecRun.Read(file); break;
            case "vectors": _ = JsonVectorFile.Read(file).ToList(); break;
            case "query-vectors": _ = QueryTsvFile.Read(file, 1).ToList(); break;
            case "bulk": _ = BulkVectorFile.Read(file, "f").ToList(); break;
            case "pisa-documents":
                // file is PREFIX.documents of a collection of two documents and one posting.
                string prefix = Path.ChangeExtension(file, null);
                File.WriteAllBytes(prefix + ".docs", [.. new uint[] { 1, 2, 1, 0 }.SelectMany(BitConverter.GetBytes)]);
                File.WriteAllBytes(prefix + ".freqs", [.. new uint[] { 1, 1 }.SelectMany(BitConverter.GetBytes)]);
                PisaImport.Import(prefix, dir.File("p.sfi"), new ListImportOptions());
                break;
            case "config": PruningExperimentConfig.Load(file); break;
            default: throw new ArgumentOutOfRangeException(nameof(reader));
        }
    }

    private static string ValidLine(string reader) => reader switch
    {
        "index" or "query-jsonl" or "vectors" => "{\"id\": \"x1\", \"vector\": {\"a\": 1}}",
        "query-tsv" or "corpus" or "query-vectors" => "x1\ta",
        "vocab" or "pisa-documents" => "x1",
        "qrels" => "x1 0 d1 1",
        "run" => "x1 Q0 d1 1 1.5 t",
        "bulk" => "{\"index\": {\"_id\": \"x1\"}}",
        _ => "{\"name\": \"x\",",
    };

    [Theory]
    [MemberData(nameof(TextReaders))]
    public void Invalid_utf8_is_an_error_naming_file_and_line(string reader)
    {
        using var dir = new TempDirectory();
        // The errors-without-file/ case: a byte that starts no UTF-8 sequence inside an id on line 2.
        string path = dir.File(reader == "pisa-documents" ? "p.documents" : "input");
        WriteBytes(path, [.. Encoding.UTF8.GetBytes(ValidLine(reader) + "\n\"x"), 0xFF, 0xFE, .. "2\"\n"u8], bom: false, gzip: false);
        var error = Assert.Throws<InputException>(() => ReadAs(reader, path, dir));
        Assert.Equal($"{path}:2: invalid UTF-8 at byte 3 of the line; text inputs must be UTF-8", error.Message);
    }

    [Fact]
    public void The_errors_without_file_case_names_file_and_line()
    {
        using var dir = new TempDirectory();
        string docs = WriteBytes(dir.File("docs-invalid-utf8.jsonl"),
            [.. "{\"id\":\"d1\",\"vector\":{\"t00001\":0.5,\"t00002\":1.25}}\n{\"id\":\"d2\",\"vector\":{\"t00003\":0.75}}\n{\"id\":\"d"u8, 0xFF, 0xFE, .. "3\",\"vector\":{\"t00001\":0.5}}"u8],
            bom: false, gzip: false);
        var error = Assert.Throws<InputException>(() => new IndexBuilder(new IndexBuildOptions { Inputs = [docs], SkipBad = true }).Build(dir.File("i.sfi")));
        Assert.Equal((docs, 3L), (error.FilePath, error.Line));
        Assert.Contains("invalid UTF-8", error.Message);
        Assert.False(File.Exists(dir.File("i.sfi")));
    }

    public static TheoryData<string, string> JsonReaders() => new()
    {
        { "index", "{\"id\": \"x2\", \"vector\": {\"a\": 1,}}" },
        { "query-jsonl", "{\"id\": \"x2\", \"vector\": {\"a\": 1,}}" },
        { "vectors", "{\"id\": \"x2\", \"vector\": {\"a\" 1}}" },
        { "corpus-jsonl", "{\"_id\": \"x2\", \"text\": \"t\" \"title\": \"u\"}" },
        { "bulk", "{\"f\": {\"a\": tru}}" },
    };

    [Theory]
    [MemberData(nameof(JsonReaders))]
    public void Malformed_json_names_file_and_line_but_not_the_parsers_line_zero(string reader, string bad)
    {
        using var dir = new TempDirectory();
        string first = reader == "corpus-jsonl" ? "{\"_id\": \"x1\", \"text\": \"t\"}" : ValidLine(reader);
        string path = Write(dir.File("input"), $"{first}\n{bad}\n", bom: false, gzip: false);
        var error = Assert.Throws<InputException>(() => ReadAs(reader == "corpus-jsonl" ? "corpus" : reader, path, dir));
        Assert.StartsWith($"{path}:2: malformed JSON (", error.Message);
        Assert.Matches(@", at byte \d+\)$", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
        Assert.DoesNotContain("BytePositionInLine", error.Message);
    }

    [Fact]
    public void A_config_error_keeps_its_own_line_in_the_file()
    {
        using var dir = new TempDirectory();
        string path = Write(dir.File("sweep.json"), "{\n  \"name\": \"x\",\n  \"k\": [10, \"many\"]\n}\n", bom: true, gzip: false);
        var error = Assert.Throws<InputException>(() => PruningExperimentConfig.Load(path));
        Assert.StartsWith($"{path}:3: not an experiment config (", error.Message);
        Assert.Contains("$.k[1]", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
    }
}
