using Google.Protobuf;
using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Interop;
using SpladeFast.Interop.Ciff;
using SpladeFast.Interop.Vectors;
using SpladeFast.Run;
using SpladeFast.Server;
using SpladeFast.Shards;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Ingest;

/// <summary>
/// Issue 15, item 2: ids and tokens a TREC run or a PISA lexicon cannot hold are refused where they enter, naming
/// file and line (or record), and never written out.
/// </summary>
public class IdentifierTests
{
    [Theory]
    [InlineData("doc1")]
    [InlineData("MARCO_D1555982#3")]
    [InlineData("café")]
    [InlineData("日本")]
    [InlineData("emoji-\U0001F600")]
    [InlineData("##ing")]
    [InlineData("[UNK]")]
    public void Printable_text_is_a_valid_identifier(string value) => Assert.Null(Identifiers.Check(value, "id"));

    [Theory]
    [InlineData(0x20, "a space (U+0020)")]
    [InlineData(0x09, "a tab (U+0009)")]
    [InlineData(0x0A, "a line break (U+000A)")]
    [InlineData(0x0D, "a line break (U+000D)")]
    [InlineData(0x00, "a control character (U+0000)")]
    [InlineData(0x1F, "a control character (U+001F)")]
    [InlineData(0x7F, "a control character (U+007F)")]
    [InlineData(0x85, "a control character (U+0085)")]
    [InlineData(0xA0, "a whitespace character (U+00A0)")]
    [InlineData(0x2028, "a whitespace character (U+2028)")]
    [InlineData(0x3000, "a whitespace character (U+3000)")]
    [InlineData(0xFEFF, "a byte order mark (U+FEFF)")]
    [InlineData(0xD800, "half a surrogate pair (U+D800)")]
    [InlineData(0xDE00, "half a surrogate pair (U+DE00)")]
    public void Whitespace_controls_boms_and_broken_surrogates_are_refused(int code, string description)
    {
        string? error = Identifiers.Check($"doc{(char)code}1", "id");
        Assert.NotNull(error);
        Assert.Contains($"holds {description} at character 4; ids and tokens cannot hold whitespace or control characters", error);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\r', error);
    }

    [Fact]
    public void The_message_shows_the_value_on_one_line()
    {
        Assert.Equal("empty id", Identifiers.Check("", "id"));
        Assert.Equal("document id 'doc 1' holds a space (U+0020) at character 4; ids and tokens cannot hold whitespace or control characters", Identifiers.Check("doc 1", "document id"));
        Assert.StartsWith("id 'doc\\u000A1' holds a line break", Identifiers.Check("doc\n1", "id"));
        Assert.StartsWith("token '\\uFEFFq1' holds a byte order mark (U+FEFF) at character 1", Identifiers.Check("\uFEFFq1", "token"));
        Assert.Contains("at character 1", Identifiers.Check("\uDE00\uD800", "id"));
    }

    [Fact]
    public void A_long_bad_value_is_shortened_in_the_message()
    {
        string error = Identifiers.Check(new string('x', 500) + " y", "token")!;
        Assert.Contains($"token '{new string('x', 80)}...' holds a space (U+0020) at character 501", error);
    }

    /// <summary>Reads <paramref name="content"/> (one good line, then a bad one) with a reader; the error it gives.</summary>
    private static InputException Refused(string content, Func<string, object?> read, out string path)
    {
        var dir = new TempDirectory();
        path = dir.File("input");
        File.WriteAllText(path, content);
        string file = path;
        try
        {
            return Assert.Throws<InputException>(() => read(file));
        }
        finally
        {
            dir.Dispose();
        }
    }

    public static TheoryData<string, string, string> TextEntryPoints() => new()
    {
        // The ids-with-whitespace/ case: docs-space-id.jsonl and query-space-id.jsonl.
        { "documents", "{\"id\": \"doc 1\", \"vector\": {\"c\": 1.0}}", "id 'doc 1' holds a space" },
        { "documents", "{\"id\": \"d2\", \"vector\": {\"c\\td\": 1.0}}", "token 'c\\u0009d' holds a tab" },
        { "documents", "{\"id\": \"d2\\u0000\", \"vector\": {\"c\": 1.0}}", "id 'd2\\u0000' holds a control character" },
        { "queries", "{\"id\": \"q 1\", \"vector\": {\"c\": 1.0}}", "id 'q 1' holds a space" },
        { "queries", "q 1\tc", "query id 'q 1' holds a space" },
        { "queries", "q2\tc c\u0001", "token 'c\\u0001' holds a control character" },
        { "corpus", "t 2\ttext", "id 't 2' holds a space" },
        { "corpus-jsonl", "{\"_id\": \"t\\n2\", \"text\": \"x\"}", "id 't\\u000A2' holds a line break" },
        { "corpus-smart", ".I 2\u00A02", "id '2\\u00A02' holds a whitespace character" },
        { "vocab", "c d", "token 'c d' holds a space" },
        { "vocab", "", "empty token" },
        { "vectors", "{\"id\": \"v\\u00852\", \"vector\": {\"c\": 1.0}}", "holds a control character (U+0085)" },
        { "query-vectors", "q2\tc\u3000d", "token 'c\\u3000d' holds a whitespace character" },
        { "bulk", "{\"index\": {\"_id\": \"v 2\"}}", "_id 'v 2' holds a space" },
        { "bulk", "{\"index\": {\"_id\": \"v2\"}}\n{\"f\": {\"c d\": 1}}", "document 'v2': token 'c d' holds a space" },
    };

    [Theory]
    [MemberData(nameof(TextEntryPoints))]
    public void Text_inputs_refuse_bad_ids_and_tokens_naming_file_and_line(string reader, string bad, string reason)
    {
        var vocabulary = new Vocabulary(["c"], isFixed: false);
        (string Good, Func<string, object?> Read) input = reader switch
        {
            "documents" => ("{\"id\": \"d1\", \"vector\": {\"c\": 1.0}}", path => new IndexBuilder(new IndexBuildOptions { Inputs = [path] }).Build(path + ".sfi")),
            "queries" when bad.StartsWith('{') => ("{\"id\": \"q1\", \"vector\": {\"c\": 1.0}}", path => QueryReader.Read(path, vocabulary)),
            "queries" => ("q1\tc", path => QueryReader.Read(path, vocabulary)),
            "corpus" => ("t1\ttext", path => TextCorpus.Read(path).ToList()),
            "corpus-jsonl" => ("{\"_id\": \"t1\", \"text\": \"x\"}", path => TextCorpus.Read(path).ToList()),
            "corpus-smart" => (".I 1\n.W\ntext", path => TextCorpus.Read(path).ToList()),
            "vocab" => ("[PAD]", path => Vocabulary.Load(path)),
            "vectors" => ("{\"id\": \"v1\", \"vector\": {\"c\": 1.0}}", path => JsonVectorFile.Read(path).ToList()),
            "query-vectors" => ("q1\tc", path => QueryTsvFile.Read(path, 1).ToList()),
            "bulk" => ("{\"index\": {\"_id\": \"v1\"}}\n{\"f\": {\"c\": 1}}", path => BulkVectorFile.Read(path, "f").ToList()),
            _ => throw new ArgumentOutOfRangeException(nameof(reader)),
        };
        var error = Refused($"{input.Good}\n{bad}\nnever read\n", input.Read, out string file);
        int line = input.Good.Count(c => c == '\n') + 2 + (reader == "bulk" && bad.Contains('\n') ? 1 : 0);
        Assert.Equal((file, (long)line), (error.FilePath, error.Line));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void With_skip_bad_a_bad_id_is_a_skipped_record_like_any_other()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("docs.jsonl"), ["{\"id\": \"d1\", \"vector\": {\"c\": 1}}", "{\"id\": \"d 2\", \"vector\": {\"c\": 1}}"]);
        var report = new IndexBuilder(new IndexBuildOptions { Inputs = [dir.File("docs.jsonl")], SkipBad = true }).Build(dir.File("i.sfi"));
        Assert.Equal((1, 1L), (report.Documents, report.SkippedRecords));
        File.WriteAllLines(dir.File("q.tsv"), ["q1\tc", "q 2\tc"]);
        using var index = SparseIndex.Open(dir.File("i.sfi"));
        var queries = QueryReader.Read(dir.File("q.tsv"), index.Vocabulary, skipBad: true);
        Assert.Equal((1, 1L), (queries.Queries.Count, queries.SkippedQueries));
    }

    private static void WriteCiff(string path, (string Term, int[] Gaps)[] lists, string[] names)
    {
        using var stream = File.Create(path);
        new Header { Version = 1, NumPostingsLists = lists.Length, NumDocRecords = names.Length }.WriteDelimitedTo(stream);
        foreach (var (term, gaps) in lists)
        {
            var list = new PostingsList { Term = term, Df = gaps.Length };
            list.Postings.AddRange(gaps.Select(g => new Posting { Docid = g, Tf = 1 }));
            list.WriteDelimitedTo(stream);
        }
        for (int d = 0; d < names.Length; d++)
            new DocRecord { Docid = d, CollectionDocid = names[d] }.WriteDelimitedTo(stream);
    }

    [Fact]
    public void Ciff_import_refuses_bad_terms_bad_names_and_repeated_names_naming_the_message()
    {
        using var dir = new TempDirectory();
        var lists = new[] { ("a", new[] { 0, 1 }), ("b", new[] { 2 }) };
        // The ciff-duplicate-names/ case: D0 named twice; message 1 is the header, 2-3 the lists, 4-6 the records.
        WriteCiff(dir.File("dup_names.ciff"), lists, ["D0", "D0", "D2"]);
        WriteCiff(dir.File("term.ciff"), [("a", [0, 1]), ("b c", [2])], ["D0", "D1", "D2"]);
        WriteCiff(dir.File("name.ciff"), lists, ["D0", "D1", "D\t2"]);
        var expected = new Dictionary<string, string>
        {
            ["dup_names.ciff"] = "dup_names.ciff:5: duplicate document name 'D0' (docid 1; first in message 4)",
            ["term.ciff"] = "term.ciff:3: term 'b c' holds a space",
            ["name.ciff"] = "name.ciff:6: document name 'D\\u00092' holds a tab",
        };
        foreach (var (name, message) in expected)
        {
            var error = Assert.Throws<InputException>(() => CiffImport.Import(dir.File(name), dir.File("out.sfi"), new ListImportOptions()));
            Assert.Contains(message, error.Message);
            Assert.False(File.Exists(dir.File("out.sfi")));
        }
    }

    [Fact]
    public void Pisa_import_refuses_bad_lexicon_lines_and_repeated_document_names()
    {
        using var dir = new TempDirectory();
        static byte[] Sequences(params uint[][] sequences) =>
            sequences.SelectMany(s => new[] { (uint)s.Length }.Concat(s)).SelectMany(BitConverter.GetBytes).ToArray();
        foreach (string prefix in new[] { "terms", "names", "twice" })
        {
            File.WriteAllBytes(dir.File(prefix + ".docs"), Sequences([3], [0, 2], [1]));
            File.WriteAllBytes(dir.File(prefix + ".freqs"), Sequences([5, 1], [2]));
        }
        File.WriteAllLines(dir.File("terms.terms"), ["a", "b\u0085"]);
        File.WriteAllLines(dir.File("names.documents"), ["d0", "d 1", "d2"]);
        File.WriteAllLines(dir.File("twice.documents"), ["d0", "d1", "d0"]);
        var expected = new Dictionary<string, string>
        {
            ["terms"] = "terms.terms:2: term 'b\\u0085' holds a control character",
            ["names"] = "names.documents:2: document name 'd 1' holds a space",
            ["twice"] = "twice.documents:3: duplicate document name 'd0' (first on line 1)",
        };
        foreach (var (prefix, message) in expected)
        {
            var error = Assert.Throws<InputException>(() => PisaImport.Import(dir.File(prefix), dir.File("out.sfi"), new ListImportOptions()));
            Assert.Contains(message, error.Message);
            Assert.False(File.Exists(dir.File("out.sfi")));
        }
    }

    [Fact]
    public void Parquet_rows_with_bad_ids_are_refused_naming_the_row()
    {
        using var dir = new TempDirectory();
        string path = dir.File("v.parquet");
        ParquetVectorFile.Write(path, () => [new SparseVectorRecord("v1", ["c"], [1]), new SparseVectorRecord("v 2", ["c"], [1])], vocabularyPath: null);
        var error = Assert.Throws<InputException>(() => ParquetVectorFile.Read(path, vocabularyPath: null).ToList());
        Assert.Equal($"{path}:2: id 'v 2' holds a space (U+0020) at character 2; ids and tokens cannot hold whitespace or control characters", error.Message);
    }

    [Fact]
    public void A_gzip_compressed_parquet_file_is_refused_by_name_not_misread()
    {
        using var dir = new TempDirectory();
        ParquetVectorFile.Write(dir.File("v.parquet"), () => [new SparseVectorRecord("v1", ["c"], [1])], vocabularyPath: null);
        using (var output = new System.IO.Compression.GZipStream(File.Create(dir.File("v.parquet.gz")), System.IO.Compression.CompressionLevel.Fastest))
            output.Write(File.ReadAllBytes(dir.File("v.parquet")));
        var error = Assert.Throws<InputException>(() => ParquetVectorFile.Read(dir.File("v.parquet.gz"), vocabularyPath: null).ToList());
        Assert.Contains("a gzip-compressed Parquet file cannot be read", error.Message);
    }

    [Fact]
    public void A_search_request_with_a_bad_token_is_a_bad_request()
    {
        using var dir = new TempDirectory();
        TestIndex.Build(dir, [new TestDocument("d1", [("c", 1.0)])]).Dispose();
        using var service = new SearchService([dir.File("index.sfi")], encoder: null, new SearchServiceOptions());
        Assert.Single(service.Search(new SearchRequest { Vector = new() { ["c"] = 1 } }).Hits);
        var error = Assert.Throws<BadRequestException>(() => service.Search(new SearchRequest { Vector = new() { ["c"] = 1, ["c\n"] = 1 } }));
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("token 'c\\u000A' holds a line break", error.Message);
    }

    /// <summary>An index as a version before these checks could build it: a document id and a term with a space.</summary>
    private static SparseIndex OldIndex(TempDirectory dir)
    {
        var postings = InvertedLists.FromLists(2, t => t == 0 ? ([0u, 1u], [(ushort)2, (ushort)1]) : ([1u], [(ushort)3]));
        ListIndexWriter.Write(dir.File("old.sfi"), new ListIndexContents(["c", "c d"], ["d1", "doc 2"], postings, 1, 0, "test", "old.ciff", new Dictionary<string, string>()), progress: null);
        return SparseIndex.Open(dir.File("old.sfi"));
    }

    [Fact]
    public void Writers_refuse_an_old_index_bad_ids_instead_of_writing_broken_lines()
    {
        using var dir = new TempDirectory();
        using var index = OldIndex(dir);
        var query = new QueryVector("q1", [new QueryTerm(0, 1)]);
        var hits = new[] { new TopK.SearchHit[] { new(1, 3), new(0, 2) } };
        var error = Assert.Throws<InvalidDataException>(() => TrecRun.Write(dir.File("r.trec"), [query], hits, index.DocumentId, 1, "tag"));
        Assert.StartsWith("cannot write a TREC run: document id 'doc 2' holds a space (U+0020)", error.Message);
        Assert.False(File.Exists(dir.File("r.trec")));
        Assert.Contains("run tag 'my run' holds a space", Assert.Throws<ArgumentException>(() => TrecRun.Write(dir.File("r.trec"), [query], [[]], index.DocumentId, 1, "my run")).Message);

        Assert.Contains("cannot write", Assert.Throws<InvalidDataException>(() => CiffExport.Write(index, dir.File("o.ciff"))).Message);
        Assert.False(File.Exists(dir.File("o.ciff")));
        Assert.Contains("term 'c d' holds a space", Assert.Throws<InvalidDataException>(() => PisaExport.Write(index, dir.File("pisa/o"))).Message);
        Assert.StartsWith("cannot write the vectors: token 'c d' holds a space", Assert.Throws<InvalidDataException>(() => JsonVectorFile.Write(dir.File("o.jsonl"), IndexVectors.Read(index))).Message);
        Assert.False(File.Exists(dir.File("o.jsonl")));
    }
}
