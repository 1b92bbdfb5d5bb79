using SpladeFast.Build;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Ingest;

public class InputValidationTests
{
    private const string Good = """{"id": "a", "vector": {"x": 1.5, "y": 0.25}}""";

    public static TheoryData<string, string> BadLines() => new()
    {
        { """{"id": "b", "vector": {"x": 1.0""", "malformed JSON" },
        { """{"id": "b", "vector": {"x": NaN}}""", "finite" },
        { """{"id": "b", "vector": {"x": Infinity}}""", "finite" },
        { """{"id": "b", "vector": {"x": 1e999}}""", "finite" },
        { """{"id": "b", "vector": {"x": -0.5}}""", "negative" },
        { """{"id": "", "vector": {"x": 1}}""", "empty id" },
        { """{"id": "a", "vector": {"x": 1}}""", "duplicate document id 'a'" },
        { """{"id": "b", "vector": {"x": 1, "x": 2}}""", "appears twice" },
        { """{"id": "b", "vector": {"x": "heavy"}}""", "not a number" },
        { """{"id": "b"}""", "missing \"vector\"" },
        { """{"vector": {"x": 1}}""", "missing \"id\"" },
        { """[1, 2]""", "expected a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void A_bad_record_names_file_and_line_and_writes_nothing(string bad, string reason)
    {
        using var dir = new TempDirectory();
        string docs = dir.File("docs.jsonl");
        File.WriteAllLines(docs, [Good, "", bad, Good.Replace("\"a\"", "\"c\"")]);
        var ex = Assert.Throws<InputException>(() => new IndexBuilder(new IndexBuildOptions { Inputs = [docs] }).Build(dir.File("index.sfi")));
        Assert.Equal(docs, ex.FilePath);
        Assert.Equal(3, ex.Line);
        Assert.Contains(reason, ex.Message);
        Assert.StartsWith($"{docs}:3: ", ex.Message);
        Assert.Equal(["docs.jsonl"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(BadLines))]
    public void With_skip_bad_the_record_is_counted_and_left_out(string bad, string reason)
    {
        using var dir = new TempDirectory();
        string docs = dir.File("docs.jsonl");
        File.WriteAllLines(docs, [Good, bad, Good.Replace("\"a\"", "\"c\"")]);
        var report = new IndexBuilder(new IndexBuildOptions { Inputs = [docs], SkipBad = true }).Build(dir.File("index.sfi"));
        Assert.Equal(1, report.SkippedRecords);
        Assert.Equal(2, report.Documents);
        using var index = SpladeFast.Index.SparseIndex.Open(dir.File("index.sfi"));
        Assert.Equal(["a", "c"], new[] { index.DocumentId(0), index.DocumentId(1) });
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Unknown_tokens_are_errors_with_a_fixed_vocabulary()
    {
        using var dir = new TempDirectory();
        string vocab = dir.File("vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "x", "y"]);
        string docs = dir.File("docs.jsonl");
        File.WriteAllLines(docs, [Good, """{"id": "b", "vector": {"zebra": 1}}"""]);
        var ex = Assert.Throws<InputException>(() => new IndexBuilder(new IndexBuildOptions { Inputs = [docs], VocabularyPath = vocab }).Build(dir.File("i.sfi")));
        Assert.Contains(":2: token 'zebra' is not in the vocabulary", ex.Message);
    }

    [Fact]
    public void Gzip_input_and_directories_are_read()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("collection"));
        using (var gz = new System.IO.Compression.GZipStream(File.Create(dir.File("collection/part-1.jsonl.gz")), System.IO.Compression.CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gz))
            writer.WriteLine(Good);
        File.WriteAllLines(dir.File("collection/part-2.jsonl"), [Good.Replace("\"a\"", "\"b\"")]);
        var report = new IndexBuilder(new IndexBuildOptions { Inputs = [dir.File("collection")] }).Build(dir.File("i.sfi"));
        Assert.Equal(2, report.Documents);
        Assert.Equal(4, report.Postings);
    }

    [Fact]
    public void Queries_read_as_token_counts_or_float_json_and_bad_ones_name_their_line()
    {
        using var dir = new TempDirectory();
        var vocabulary = new Vocabulary(["x", "y", "z"], isFixed: true);
        string tsv = dir.File("q.tsv");
        File.WriteAllLines(tsv, ["1\tx x y", "2\tz"]);
        var set = QueryReader.Read(tsv, vocabulary);
        Assert.Equal(1, set.WeightScale);
        Assert.Equal([new QueryTerm(0, 2), new QueryTerm(1, 1)], set.Queries[0].Terms);

        string jsonl = dir.File("q.jsonl");
        File.WriteAllLines(jsonl, ["""{"id": "7", "vector": {"y": 0.125, "x": 1.005}}"""]);
        set = QueryReader.Read(jsonl, vocabulary);
        Assert.Equal(100, set.WeightScale);
        Assert.Equal([new QueryTerm(0, 100), new QueryTerm(1, 12)], set.Queries[0].Terms);

        File.WriteAllLines(tsv, ["1\tx", "2\tx unknown"]);
        var ex = Assert.Throws<InputException>(() => QueryReader.Read(tsv, vocabulary));
        Assert.Equal($"{tsv}:2: unknown query token 'unknown'", ex.Message);
        set = QueryReader.Read(tsv, vocabulary, skipBad: true);
        Assert.Equal(1, set.SkippedTokens);
        Assert.Equal(2, set.Queries.Count);

        File.WriteAllLines(tsv, ["1\tx", "1\ty"]);
        Assert.Contains("duplicate query id '1'", Assert.Throws<InputException>(() => QueryReader.Read(tsv, vocabulary)).Message);
    }
}
