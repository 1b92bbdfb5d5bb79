using System.IO.Compression;
using Google.Protobuf;
using SpladeFast.Interop.Ciff;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

/// <summary>The cases of 2026-11-30 on inputs (issue 15, items 1, 2 and 8), run through the CLI as a user would.</summary>
[Collection("Console")]
public class InputEdgeCliTests
{
    private static void WriteCiff(string path, string[] names)
    {
        using var stream = File.Create(path);
        new Header { Version = 1, NumPostingsLists = 3, NumDocRecords = names.Length }.WriteDelimitedTo(stream);
        foreach (var (term, docid) in new[] { ("a", 0), ("b", 1), ("c", 2) })
        {
            var list = new PostingsList { Term = term, Df = 1 };
            list.Postings.Add(new Posting { Docid = docid, Tf = 1 });
            list.WriteDelimitedTo(stream);
        }
        for (int d = 0; d < names.Length; d++)
            new DocRecord { Docid = d, CollectionDocid = names[d] }.WriteDelimitedTo(stream);
    }

    [Fact]
    public void Bom_the_first_qid_of_the_run_has_no_bom()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("docs.jsonl"), ["{\"id\": \"d1\", \"vector\": {\"coffee\": 1.5, \"bean\": 0.5}}", "{\"id\": \"d2\", \"vector\": {\"coffee\": 0.5, \"tea\": 1.0}}"]);
        File.WriteAllBytes(dir.File("qbom.tsv"), [0xEF, 0xBB, 0xBF, .. "q1\ttea tea coffee\nq2\tbean\n"u8]);
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("i.sfi"));
        Assert.True(code == 0, error);
        (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("qbom.tsv"), "--k", "3", "--run", dir.File("r.trec"));
        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(dir.File("r.trec"));
        Assert.Equal("q1 Q0 d2 1 2.5 splade-fast", lines[0]);
        Assert.Equal(["q1", "q1", "q2"], lines.Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public void Ciff_gzip_imports_like_the_plain_file()
    {
        using var dir = new TempDirectory();
        WriteCiff(dir.File("ok.ciff"), ["D0", "D1", "D2"]);
        using (var gzip = new GZipStream(File.Create(dir.File("ok.ciff.gz")), CompressionLevel.Optimal))
            gzip.Write(File.ReadAllBytes(dir.File("ok.ciff")));
        foreach (string input in new[] { "ok.ciff", "ok.ciff.gz" })
        {
            var (code, output, error) = CliRunner.Run("import", "--input", dir.File(input), "--output", dir.File(input + ".sfi"), "--scale", "1");
            Assert.True(code == 0, error);
            Assert.Contains("imported 3 documents, 3 terms, 3 postings", output);
        }
    }

    [Fact]
    public void Ciff_duplicate_names_are_refused_naming_the_record()
    {
        using var dir = new TempDirectory();
        WriteCiff(dir.File("dup_names.ciff"), ["D0", "D0", "D2"]);
        var (code, _, error) = CliRunner.Run("import", "--input", dir.File("dup_names.ciff"), "--output", dir.File("o.sfi"), "--scale", "1");
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File("dup_names.ciff")}:6: duplicate document name 'D0' (docid 1; first in message 5)", error.Trim());
        Assert.False(File.Exists(dir.File("o.sfi")));
    }

    [Fact]
    public void Ids_with_whitespace_are_refused_for_documents_queries_and_run_tags()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("docs-space-id.jsonl"), ["{\"id\": \"doc 1\", \"vector\": {\"c\": 1.0}}", "{\"id\": \"doc2\", \"vector\": {\"c\": 2.0}}"]);
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs-space-id.jsonl"), "--output", dir.File("i.sfi"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File("docs-space-id.jsonl")}:1: id 'doc 1' holds a space (U+0020) at character 4; ids and tokens cannot hold whitespace or control characters", error.Trim());
        Assert.False(File.Exists(dir.File("i.sfi")));

        File.WriteAllLines(dir.File("docs.jsonl"), ["{\"id\": \"doc1\", \"vector\": {\"c\": 1.0}}"]);
        (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl"), "--output", dir.File("i.sfi"));
        Assert.True(code == 0, error);
        File.WriteAllLines(dir.File("query-space-id.jsonl"), ["{\"id\": \"q 1\", \"vector\": {\"c\": 1.0}}"]);
        (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("query-space-id.jsonl"), "--run", dir.File("r.trec"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {dir.File("query-space-id.jsonl")}:1: id 'q 1' holds a space", error.Trim());
        Assert.False(File.Exists(dir.File("r.trec")));

        File.WriteAllLines(dir.File("q.tsv"), ["q1\tc"]);
        (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", dir.File("q.tsv"), "--run", dir.File("r.trec"), "--tag", "my run");
        Assert.Equal(1, code);
        Assert.Equal("error: run tag 'my run' holds a space (U+0020) at character 3; ids and tokens cannot hold whitespace or control characters", error.Trim());
        Assert.False(File.Exists(dir.File("r.trec")));
    }

    [Fact]
    public void A_run_from_an_old_index_with_a_bad_document_id_fails_instead_of_writing_seven_fields()
    {
        using var dir = new TempDirectory();
        // A CIFF import could carry a space before names were checked; an index like it, written directly.
        var postings = SpladeFast.Build.InvertedLists.FromLists(1, _ => ([0u, 1u], [(ushort)2, (ushort)1]));
        SpladeFast.Interop.ListIndexWriter.Write(dir.File("old.sfi"), new SpladeFast.Interop.ListIndexContents(
            ["c"], ["doc 1", "doc2"], postings, 1, 0, "test", "old.ciff", new Dictionary<string, string>()), progress: null);
        File.WriteAllLines(dir.File("q.tsv"), ["q1\tc"]);
        var (code, _, error) = CliRunner.Run("query", "--index", dir.File("old.sfi"), "--queries", dir.File("q.tsv"), "--run", dir.File("r.trec"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: cannot write a TREC run: document id 'doc 1' holds a space (U+0020)", error.Trim().Split('\n')[^1]);
        Assert.False(File.Exists(dir.File("r.trec")));

        (code, _, error) = CliRunner.Run("export", "--index", dir.File("old.sfi"), "--format", "pisa", "--output", dir.File("pisa/old"));
        Assert.Equal(1, code);
        Assert.Contains("document id 'doc 1' holds a space", error);
    }

    [Fact]
    public void Errors_without_file_invalid_utf8_names_file_and_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("docs-invalid-utf8.jsonl"),
            [.. "{\"id\":\"d1\",\"vector\":{\"t00001\":0.5}}\n{\"id\":\"d2\",\"vector\":{\"t00003\":0.75}}\n{\"id\":\"d"u8, 0xFF, 0xFE, .. "3\",\"vector\":{\"t00001\":0.5}}"u8]);
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs-invalid-utf8.jsonl"), "--output", dir.File("o.sfi"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.File("docs-invalid-utf8.jsonl")}:3: invalid UTF-8 at byte 9 of the line; text inputs must be UTF-8", error.Trim());

        File.WriteAllLines(dir.File("bad.jsonl"), ["{\"id\": \"d1\", \"vector\": {\"c\": 1.0}", "{\"id\": \"d2\", \"vector\": {\"c\": 1.0}}"]);
        (code, _, error) = CliRunner.Run("index", "--input", dir.File("bad.jsonl"), "--output", dir.File("o.sfi"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {dir.File("bad.jsonl")}:1: malformed JSON (", error.Trim());
        Assert.DoesNotContain("LineNumber", error);
    }

    [Fact]
    public void Index_refuses_a_truncated_collection_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        byte[] whole = Ingest.GzipIntegrityTests.Gzip(Ingest.GzipIntegrityTests.Lines);
        File.WriteAllBytes(dir.File("docs.jsonl.gz"), whole[..(whole.Length * 2 / 3)]);
        var (code, _, error) = CliRunner.Run("index", "--input", dir.File("docs.jsonl.gz"), "--output", dir.File("i.sfi"));
        Assert.NotEqual(0, code);
        Assert.Contains("docs.jsonl.gz", error);
        Assert.Contains("ends early", error);
        Assert.False(File.Exists(dir.File("i.sfi")));
    }
}
