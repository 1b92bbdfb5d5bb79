using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.Quantize;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Ingest;

/// <summary>One rule for query weights on every path (issue 15, item 3): no repeated token, no silent clamp.</summary>
[Collection("Console")]
public class QueryWeightTests
{
    private static string Case(string @case, string file) => CaseFiles.Path("2026-11-30", @case, file);

    [Fact]
    public void A_token_repeated_in_a_query_vector_is_refused_with_file_and_line_as_in_a_document()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("index", "--input", Case("query-duplicate-key", "docs.jsonl"), "--output", dir.File("i.sfi")).ExitCode);
        var (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", Case("query-duplicate-key", "q_dupkey.jsonl"),
            "--k", "4", "--run", dir.File("r.trec"));
        Assert.Equal(1, code);
        Assert.Contains("q_dupkey.jsonl:1: token 'tea' appears twice", error);
        Assert.False(File.Exists(dir.File("r.trec")));
        (code, _, error) = CliRunner.Run("index", "--input", Case("query-duplicate-key", "d_dupkey.jsonl"), "--output", dir.File("d.sfi"));
        Assert.Equal(1, code);
        Assert.Contains("d_dupkey.jsonl:1: token 'tea' appears twice", error);
    }

    [Fact]
    public void A_query_weight_past_the_32_bit_range_is_an_error_not_a_clamp()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("index", "--input", Case("query-weight-overflow", "docs.jsonl"), "--output", dir.File("i.sfi")).ExitCode);
        var (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", Case("query-weight-overflow", "qsat.jsonl"),
            "--k", "4", "--run", dir.File("r.trec"));
        Assert.Equal(1, code);
        Assert.Contains("qsat.jsonl:1: weight 50000000 of token 'tea' is 5000000000 after x100 quantization, outside the query weight range 0..4294967295", error);

        // Scaled into range, the same query ranks as the weights say: d1 (1.5 coffee) first, then d2, d3, d4 tied.
        (code, _, error) = CliRunner.Run("query", "--index", dir.File("i.sfi"), "--queries", Case("query-weight-overflow", "qsat.jsonl"),
            "--k", "4", "--query-scale", "0.01", "--run", dir.File("r.trec"));
        Assert.True(code == 0, error);
        Assert.Equal(["d1", "d2", "d3", "d4"], File.ReadAllLines(dir.File("r.trec")).Select(l => l.Split(' ')[2]));
    }

    [Theory]
    [InlineData(4294967295.0, true, 4294967295u)]
    [InlineData(4294967294.5, true, 4294967294u)] // half to even
    [InlineData(4294967295.5, false, 0u)] // half to even: 2^32
    [InlineData(0.4, true, 0u)]
    [InlineData(-1.0, false, 0u)]
    [InlineData(double.NaN, false, 0u)]
    [InlineData(1e300, false, 0u)]
    public void The_range_is_exactly_0_to_2_pow_32_minus_1(double weight, bool fits, uint expected)
    {
        Assert.Equal(fits, QueryWeights.TryQuantize(weight, 1, out uint quantized));
        Assert.Equal(expected, quantized);
    }

    [Fact]
    public void Quantizing_through_the_api_refuses_what_the_readers_refuse()
    {
        var weights = new Dictionary<int, double> { [3] = 1e8 };
        Assert.Throws<ArgumentOutOfRangeException>(() => QueryReader.Quantized("q", weights, 100));
        Assert.Equal([new QueryTerm(3, 4_294_967_295u)], QueryReader.Quantized("q", new Dictionary<int, double> { [3] = 42949672.95 }, 100).Terms);
    }

    [Fact]
    public void A_query_whose_largest_score_would_overflow_64_bits_is_refused()
    {
        using var dir = new TempDirectory();
        var documents = new[] { new TestDocument("d", Enumerable.Range(0, 3).Select(t => ($"t{t}", 655.35)).ToList()) };
        using var index = TestIndex.Build(dir, documents);
        var terms = Enumerable.Range(0, 40000).Select(i => new QueryTerm(i % 3, uint.MaxValue)).ToArray();
        var error = Assert.Throws<ArgumentException>(() => new SearchContext(index).Search(new QueryVector("huge", terms), 1, new RankedOr()));
        Assert.Contains("query 'huge' could score up to", error.Message);
        // Within range, the largest weights and impacts still sum exactly.
        var hits = new SearchContext(index).Search(new QueryVector("ok", terms[..3]), 1, new RankedOr()).ToArray();
        Assert.Equal(3L * uint.MaxValue * 65535, hits[0].Score);
    }

    [Fact]
    public void Formats_that_repeat_a_token_by_its_weight_refuse_a_weight_of_millions_and_write_nothing()
    {
        using var dir = new TempDirectory();
        var records = new[] { new SpladeFast.Interop.Vectors.SparseVectorRecord("q1", ["a", "b"], [1.5f, 100_000f]) };
        var error = Assert.Throws<InvalidOperationException>(() => SpladeFast.Interop.Vectors.QueryTsvFile.Write(dir.File("q.tsv"), records, 100));
        Assert.Equal("query 'q1': token 'b' would be written 10,000,000 times; formats that repeat a token by its weight hold at most 1,000,000: scale the weights down", error.Message);
        Assert.False(File.Exists(dir.File("q.tsv")));
    }
}
