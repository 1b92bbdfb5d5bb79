using CsCheck;
using SpladeFast.Ingest;
using SpladeFast.Interop.Vectors;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Interop;

public class VectorFormatTests
{
    private static readonly string[] Tokens = ["the", "##ing", "[UNK]", "naïve", "quote\"d", "back\\slash", "état", "日本", "a.b", "x"];

    /// <summary>Vectors with awkward tokens (escapes, non-ASCII, dots), empty vectors, and arbitrary positive floats.</summary>
    private static readonly Gen<SparseVectorRecord[]> Collections =
        Gen.Select(Gen.Int[0, Tokens.Length - 1], Gen.Float[0.001f, 300f]).Array[0, 8]
            .Select(terms => terms.DistinctBy(t => t.Item1).ToArray())
            .Array[0, 30]
            .Select(vectors => vectors.Select((terms, i) => new SparseVectorRecord($"doc-{i}\"é", terms.Select(t => Tokens[t.Item1]).ToArray(), terms.Select(t => t.Item2).ToArray())).ToArray());

    [Theory]
    [InlineData(VectorFormat.JsonVectors, "v.jsonl")]
    [InlineData(VectorFormat.JsonVectors, "v.jsonl.gz")]
    [InlineData(VectorFormat.Parquet, "v.parquet")]
    [InlineData(VectorFormat.Bulk, "v.ndjson")]
    public void Vectors_round_trip_exactly(VectorFormat format, string name) =>
        Collections.Sample(records =>
        {
            using var dir = new TempDirectory();
            string path = dir.File(name);
            Assert.Equal(format, VectorFormats.FromPath(path));
            Assert.Equal(records.Length, VectorFormats.Write(path, format, () => records, new VectorFormatOptions()));
            AssertSame(records, VectorFormats.Read(path, format, new VectorFormatOptions()).ToArray());
        }, iter: 40, threads: 1);

    [Fact]
    public async Task Parquet_term_ids_are_a_given_vocabulary_line_numbers_and_read_back_with_it()
    {
        using var dir = new TempDirectory();
        string vocab = dir.File("vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", .. Tokens]);
        var records = new[] { new SparseVectorRecord("d", ["x", "the"], [1.5f, 0.25f]) };
        var options = new VectorFormatOptions { VocabularyPath = vocab };
        VectorFormats.Write(dir.File("v.parquet"), VectorFormat.Parquet, () => records, options);
        var row = (await Parquet.Serialization.ParquetSerializer.DeserializeAsync<ParquetVectorFile.Row>(dir.File("v.parquet"))).Data.Single();
        Assert.Equal([Tokens.Length, 1], row.TermIds);
        AssertSame(records, VectorFormats.Read(dir.File("v.parquet"), VectorFormat.Parquet, options).ToArray());

        var unknown = new[] { new SparseVectorRecord("d", ["nope"], [1f]) };
        Assert.Contains("'nope' is not in the vocabulary", Assert.Throws<InvalidOperationException>(() => VectorFormats.Write(dir.File("u.parquet"), VectorFormat.Parquet, () => unknown, options)).Message);
        Assert.False(File.Exists(dir.File("u.parquet")));
    }

    [Fact]
    public void Query_tsv_repeats_tokens_by_integer_weight_and_reads_back_counts_over_scale()
    {
        using var dir = new TempDirectory();
        var queries = new[] { new SparseVectorRecord("q1", ["a", "b"], [0.03f, 0.01f]), new SparseVectorRecord("q2", [], []) };
        VectorFormats.Write(dir.File("q.tsv"), VectorFormat.QueryTsv, () => queries, new VectorFormatOptions());
        Assert.Equal(["q1\ta a a b", "q2\t"], File.ReadAllLines(dir.File("q.tsv")));
        var back = VectorFormats.Read(dir.File("q.tsv"), VectorFormat.QueryTsv, new VectorFormatOptions()).ToArray();
        Assert.Equal(["a", "b"], back[0].Tokens);
        Assert.Equal([0.03f, 0.01f], back[0].Weights);
        Assert.Empty(back[1].Tokens);
    }

    [Fact]
    public void Bulk_files_carry_an_action_per_document_skip_zero_weights_and_come_with_a_mapping()
    {
        using var dir = new TempDirectory();
        var options = new VectorFormatOptions { IndexName = "msmarco", Field = "emb", FieldType = "sparse_vector" };
        VectorFormats.Write(dir.File("b.ndjson"), VectorFormat.Bulk, () => [new SparseVectorRecord("d1", ["a", "z"], [2f, 0f])], options);
        Assert.Equal(["{\"index\":{\"_index\":\"msmarco\",\"_id\":\"d1\"}}", "{\"id\":\"d1\",\"emb\":{\"a\":2}}"], File.ReadAllLines(dir.File("b.ndjson")));
        using var mapping = System.Text.Json.JsonDocument.Parse(BulkVectorFile.Mapping(options));
        Assert.Equal("sparse_vector", mapping.RootElement.GetProperty("mappings").GetProperty("properties").GetProperty("emb").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("{\"index\":{\"_id\":\"a\"}}\n", "b.ndjson:1: action for 'a' has no document line")]
    [InlineData("{\"delete\":{\"_id\":\"a\"}}\n", "b.ndjson:1: expected an index or create action")]
    [InlineData("{\"index\":{\"_id\":\"a\"}}\n{\"sparse_embedding\":{\"t\":\"x\"}}\n", "b.ndjson:2: document 'a': weight of 't' is not a finite number")]
    [InlineData("{\"index\":{\"_id\":\"a\"}}\n{\"other\":{}}\n", "b.ndjson:2: document 'a' has no object field 'sparse_embedding'")]
    public void Bad_bulk_files_name_the_file_and_line(string text, string message)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("b.ndjson"), text);
        var error = Assert.Throws<InputException>(() => VectorFormats.Read(dir.File("b.ndjson"), VectorFormat.Bulk, new VectorFormatOptions()).ToList());
        Assert.Contains(message, error.Message);
    }

    private static void AssertSame(SparseVectorRecord[] expected, SparseVectorRecord[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Id, actual[i].Id);
            Assert.Equal(expected[i].Tokens, actual[i].Tokens);
            Assert.Equal(expected[i].Weights, actual[i].Weights);
        }
    }
}
