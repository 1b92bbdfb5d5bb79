namespace SpladeFast.Interop.Vectors;

/// <summary>The vector file formats SpladeFast converts between.</summary>
public enum VectorFormat
{
    /// <summary>Anserini JsonVectorCollection: <c>{"id", "vector": {token: weight}}</c> per line (.jsonl, .gz).</summary>
    JsonVectors,
    /// <summary>Parquet: columns <c>id</c>, <c>term_ids</c> (list of int32), <c>weights</c> (list of float).</summary>
    Parquet,
    /// <summary>OpenSearch/Elasticsearch bulk NDJSON: an index action, then the document with a rank_features field.</summary>
    Bulk,
    /// <summary>Anserini pre-encoded queries: <c>qid&lt;TAB&gt;tok tok ...</c>, each token repeated by its integer weight.</summary>
    QueryTsv,
}

/// <summary>Reading and writing any <see cref="VectorFormat"/>.</summary>
public static class VectorFormats
{
    /// <summary>The formats by their command-line names.</summary>
    public static readonly IReadOnlyDictionary<string, VectorFormat> Names = new Dictionary<string, VectorFormat>
    {
        ["jsonl"] = VectorFormat.JsonVectors,
        ["parquet"] = VectorFormat.Parquet,
        ["bulk"] = VectorFormat.Bulk,
        ["query-tsv"] = VectorFormat.QueryTsv,
    };

    /// <summary>The format a file name implies: .parquet, .ndjson/.bulk, .tsv, else JSONL.</summary>
    public static VectorFormat FromPath(string path)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        string extension = Path.GetExtension(name).ToLowerInvariant();
        return extension switch
        {
            ".parquet" => VectorFormat.Parquet,
            ".ndjson" or ".bulk" => VectorFormat.Bulk,
            ".tsv" => VectorFormat.QueryTsv,
            _ => VectorFormat.JsonVectors,
        };
    }

    /// <summary>Reads the records of <paramref name="path"/> in <paramref name="format"/>.</summary>
    public static IEnumerable<SparseVectorRecord> Read(string path, VectorFormat format, VectorFormatOptions options) => format switch
    {
        VectorFormat.JsonVectors => JsonVectorFile.Read(path),
        VectorFormat.Parquet => ParquetVectorFile.Read(path, options.VocabularyPath),
        VectorFormat.Bulk => BulkVectorFile.Read(path, options.Field),
        VectorFormat.QueryTsv => QueryTsvFile.Read(path, options.Scale),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Writes the records (enumerated twice for Parquet without a vocabulary file); returns how many.</summary>
    public static long Write(string path, VectorFormat format, Func<IEnumerable<SparseVectorRecord>> records, VectorFormatOptions options) => format switch
    {
        VectorFormat.JsonVectors => JsonVectorFile.Write(path, records()),
        VectorFormat.Parquet => ParquetVectorFile.Write(path, records, options.VocabularyPath),
        VectorFormat.Bulk => BulkVectorFile.Write(path, records(), options),
        VectorFormat.QueryTsv => QueryTsvFile.Write(path, records(), options.Scale),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}

/// <summary>What some formats need besides the records.</summary>
public sealed record VectorFormatOptions
{
    /// <summary>Parquet term ids: a BERT vocab.txt (id = line); null stores the file's own vocabulary in its metadata.</summary>
    public string? VocabularyPath { get; init; }
    /// <summary>Bulk: the rank_features field holding the vector.</summary>
    public string Field { get; init; } = "sparse_embedding";
    /// <summary>Bulk: the index named in each action.</summary>
    public string IndexName { get; init; } = "splade";
    /// <summary>Bulk: the mapping's field type, "rank_features" (OpenSearch) or "sparse_vector" (Elasticsearch 8).</summary>
    public string FieldType { get; init; } = "rank_features";
    /// <summary>Query TSV: integer weight = round(weight x scale).</summary>
    public double Scale { get; init; } = Quantize.QueryWeights.DefaultFloatScale;
}
