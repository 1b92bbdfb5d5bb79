using System.Text;
using System.Text.Json;
using SpladeFast.Format;
using SpladeFast.Ingest;

namespace SpladeFast.Interop.Vectors;

/// <summary>
/// OpenSearch/Elasticsearch bulk NDJSON: per vector an action line <c>{"index": {"_index", "_id"}}</c> and a source
/// line <c>{"id", FIELD: {token: weight}}</c>, to POST to <c>_bulk</c> after creating the index with the mapping
/// from <see cref="Mapping"/> (rank_features for OpenSearch, sparse_vector for Elasticsearch 8). Zero weights are
/// left out: both field types take only positive values.
/// </summary>
public static class BulkVectorFile
{
    /// <summary>Writes the records as bulk NDJSON; returns how many.</summary>
    public static long Write(string path, IEnumerable<SparseVectorRecord> records, VectorFormatOptions options) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
            long count = 0;
            foreach (var record in records)
            {
                json.Reset(stream);
                json.WriteStartObject();
                json.WriteStartObject("index"u8);
                json.WriteString("_index"u8, options.IndexName);
                json.WriteString("_id"u8, record.Id);
                json.WriteEndObject();
                json.WriteEndObject();
                json.Flush();
                stream.WriteByte((byte)'\n');
                json.Reset(stream);
                json.WriteStartObject();
                json.WriteString("id"u8, record.Id);
                json.WriteStartObject(options.Field);
                for (int i = 0; i < record.Tokens.Length; i++)
                {
                    if (record.Weights[i] > 0)
                        json.WriteNumber(record.Tokens[i], record.Weights[i]);
                }
                json.WriteEndObject();
                json.WriteEndObject();
                json.Flush();
                stream.WriteByte((byte)'\n');
                count++;
            }
            return count;
        });

    /// <summary>The index creation body (<c>PUT INDEX</c>) mapping the vector field.</summary>
    public static string Mapping(VectorFormatOptions options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("mappings");
            json.WriteStartObject("properties");
            json.WriteStartObject("id");
            json.WriteString("type", "keyword");
            json.WriteEndObject();
            json.WriteStartObject(options.Field);
            json.WriteString("type", options.FieldType);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Reads the vectors of <paramref name="field"/> back from a bulk file's source lines.</summary>
    /// <exception cref="InputException">A malformed line (naming the file and line).</exception>
    public static IEnumerable<SparseVectorRecord> Read(string path, string field)
    {
        long lineNumber = 0;
        string? id = null;
        foreach (var (number, line) in InputFiles.NumberedLines(path))
        {
            lineNumber = number;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new InputException(path, lineNumber, $"malformed JSON ({JsonErrors.Reason(e)})");
            }
            using (document)
            {
                var root = document.RootElement;
                if (id is null)
                {
                    id = ActionId(root) ?? throw new InputException(path, lineNumber, "expected an index or create action with an _id");
                    if (Identifiers.Check(id, "_id") is { } badId)
                        throw new InputException(path, lineNumber, badId);
                    continue;
                }
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(field, out var vector) || vector.ValueKind != JsonValueKind.Object)
                    throw new InputException(path, lineNumber, $"document '{id}' has no object field '{field}'");
                var tokens = new List<string>();
                var weights = new List<float>();
                foreach (var feature in vector.EnumerateObject())
                {
                    if (Identifiers.Check(feature.Name, "token") is { } badToken)
                        throw new InputException(path, lineNumber, $"document '{id}': {badToken}");
                    if (feature.Value.ValueKind != JsonValueKind.Number || !feature.Value.TryGetSingle(out float weight) || !float.IsFinite(weight))
                        throw new InputException(path, lineNumber, $"document '{id}': weight of '{feature.Name}' is not a finite number");
                    tokens.Add(feature.Name);
                    weights.Add(weight);
                }
                yield return new SparseVectorRecord(id, [.. tokens], [.. weights]);
                id = null;
            }
        }
        if (id is not null)
            throw new InputException(path, lineNumber, $"action for '{id}' has no document line");
    }

    private static string? ActionId(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var action in root.EnumerateObject())
        {
            if (action.Name is "index" or "create" && action.Value.ValueKind == JsonValueKind.Object
                && action.Value.TryGetProperty("_id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                return id.GetString();
            }
        }
        return null;
    }
}
