using System.Text.Json;
using System.Text.Json.Serialization;
using Parquet;
using Parquet.Serialization;
using SpladeFast.Format;
using SpladeFast.Ingest;

namespace SpladeFast.Interop.Vectors;

/// <summary>
/// Vectors as Parquet, for Spark, DuckDB or pandas: one row per vector with <c>id</c> (string), <c>term_ids</c>
/// (list of int32) and <c>weights</c> (list of float). Term ids are a BERT vocab.txt's line numbers when one is
/// given; the vocabulary is also stored in the file's key-value metadata (<see cref="VocabularyKey"/>, a JSON
/// array of tokens) so the file reads back on its own. Ids and tokens read must be valid <see cref="Identifiers"/>;
/// errors name the row (1-based).
/// </summary>
public static class ParquetVectorFile
{
    /// <summary>The key-value metadata key holding the vocabulary (a JSON array of tokens).</summary>
    public const string VocabularyKey = "splade_fast.vocabulary";
    private const int RowGroupSize = 100_000;

    /// <summary>One row as Parquet.Net serializes it.</summary>
    public sealed class Row
    {
        /// <summary>The vector's id.</summary>
        [JsonPropertyName("id")]
        public string Id { get; set; } = "";

        /// <summary>Its term ids.</summary>
        [JsonPropertyName("term_ids")]
        public List<int> TermIds { get; set; } = [];

        /// <summary>Their weights.</summary>
        [JsonPropertyName("weights")]
        public List<float> Weights { get; set; } = [];
    }

    /// <summary>Writes the records (enumerated twice when the file's own vocabulary is collected first); returns how many.</summary>
    public static long Write(string path, Func<IEnumerable<SparseVectorRecord>> records, string? vocabularyPath)
    {
        Vocabulary vocabulary;
        if (vocabularyPath is not null)
        {
            vocabulary = Vocabulary.Load(vocabularyPath);
        }
        else
        {
            vocabulary = new Vocabulary();
            foreach (var record in records())
            {
                foreach (string token in record.Tokens)
                    vocabulary.GetOrAdd(token);
            }
        }
        long count = 0;
        IEnumerable<Row> Rows()
        {
            foreach (var record in records())
            {
                var row = new Row { Id = record.Id, Weights = [.. record.Weights] };
                foreach (string token in record.Tokens)
                {
                    if (!vocabulary.TryGetId(token, out int id))
                        throw new InvalidOperationException($"vector '{record.Id}': token '{token}' is not in the vocabulary {vocabularyPath}");
                    row.TermIds.Add(id);
                }
                count++;
                yield return row;
            }
        }
        var metadata = new Dictionary<string, string> { [VocabularyKey] = JsonSerializer.Serialize(vocabulary.Tokens) };
        AtomicFile.Write(path, stream =>
        {
            ParquetSerializer.SerializeAsync(Rows(), stream, new ParquetOptions { RowGroupSize = RowGroupSize }, metadata).GetAwaiter().GetResult();
            return count;
        });
        return count;
    }

    /// <summary>Reads the rows; term ids map to tokens through <paramref name="vocabularyPath"/> or the file's stored vocabulary.</summary>
    /// <exception cref="InputException">Not a Parquet file, no vocabulary, a term id outside it, or an invalid id or token (naming the row).</exception>
    public static IEnumerable<SparseVectorRecord> Read(string path, string? vocabularyPath)
    {
        int rowGroups;
        IReadOnlyList<string> tokens;
        using (var file = File.OpenRead(path))
        {
            // Parquet seeks to its footer, which a gzip stream cannot do; its pages are compressed already.
            if (InputFiles.IsGzip(file))
                throw new InputException(path, 0, "a gzip-compressed Parquet file cannot be read; decompress it (Parquet compresses its own pages)");
            ParquetReader reader;
            try
            {
                reader = ParquetReader.CreateAsync(file).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new InputException(path, 0, $"not a Parquet file ({e.Message})");
            }
            try
            {
                rowGroups = reader.RowGroupCount;
                tokens = vocabularyPath is not null ? Vocabulary.Load(vocabularyPath).Tokens
                    : reader.CustomMetadata.TryGetValue(VocabularyKey, out var json) ? MetadataTokens(path, json)
                    : throw new InputException(path, 0, $"no '{VocabularyKey}' metadata: give the vocabulary (--vocab) its term_ids refer to");
            }
            finally
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        long rowNumber = 0;
        for (int group = 0; group < rowGroups; group++)
        {
            IList<Row> rows;
            using (var file = File.OpenRead(path))
                rows = ParquetSerializer.DeserializeAsync<Row>(file, rowGroupIndex: group).GetAwaiter().GetResult().Data;
            foreach (var row in rows)
            {
                rowNumber++;
                if (Identifiers.Check(row.Id, "id") is { } badId)
                    throw new InputException(path, rowNumber, badId);
                if (row.TermIds.Count != row.Weights.Count)
                    throw new InputException(path, rowNumber, $"row '{row.Id}' has {row.TermIds.Count} term ids but {row.Weights.Count} weights");
                var names = new string[row.TermIds.Count];
                for (int i = 0; i < names.Length; i++)
                {
                    if ((uint)row.TermIds[i] >= (uint)tokens.Count)
                        throw new InputException(path, rowNumber, $"row '{row.Id}': term id {row.TermIds[i]} is outside the vocabulary of {tokens.Count} tokens");
                    names[i] = tokens[row.TermIds[i]];
                }
                yield return new SparseVectorRecord(row.Id, names, [.. row.Weights]);
            }
        }
    }

    private static string[] MetadataTokens(string path, string json)
    {
        string[] tokens;
        try
        {
            tokens = JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (JsonException e)
        {
            throw new InputException(path, 0, $"'{VocabularyKey}' metadata is not a JSON array of tokens ({JsonErrors.Reason(e)})");
        }
        for (int i = 0; i < tokens.Length; i++)
        {
            if (Identifiers.Check(tokens[i], "token") is { } error)
                throw new InputException(path, 0, $"'{VocabularyKey}' metadata, term id {i}: {error}");
        }
        return tokens;
    }
}
