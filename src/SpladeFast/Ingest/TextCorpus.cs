using System.Text;
using System.Text.Json;

namespace SpladeFast.Ingest;

/// <summary>A text to encode: document or query id and its text.</summary>
public readonly record struct TextRecord(string Id, string Text);

/// <summary>
/// Reads text collections: JSONL (BEIR <c>{"_id", "title", "text"}</c>, Anserini <c>{"id", "contents"}</c>;
/// title and text are joined by a space) or TSV <c>id&lt;TAB&gt;text</c> (MS MARCO collection and topics), plain
/// or .gz. The format is recognised by the first non-blank character ('{' means JSONL).
/// </summary>
public static class TextCorpus
{
    public static IEnumerable<TextRecord> Read(string path)
    {
        using var reader = new Utf8LineReader(path);
        bool? json = null;
        while (reader.TryReadLine(out var line))
        {
            if (line.Trim((byte)' ').IsEmpty)
                continue;
            json ??= line.TrimStart((byte)' ')[0] == (byte)'{';
            yield return json.Value ? FromJson(path, reader.LineNumber, line) : FromTsv(path, reader.LineNumber, line);
        }
    }

    private static TextRecord FromTsv(string path, long lineNumber, ReadOnlySpan<byte> line)
    {
        int tab = line.IndexOf((byte)'\t');
        if (tab <= 0)
            throw new InputException(path, lineNumber, "expected 'id<TAB>text'");
        return new TextRecord(Encoding.UTF8.GetString(line[..tab]).Trim(), Encoding.UTF8.GetString(line[(tab + 1)..]));
    }

    private static TextRecord FromJson(string path, long lineNumber, ReadOnlySpan<byte> line)
    {
        try
        {
            using var json = JsonDocument.Parse(line.ToArray());
            var root = json.RootElement;
            string? id = null;
            foreach (var name in new[] { "_id", "id", "docid" })
            {
                if (root.TryGetProperty(name, out var value))
                    id = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
            if (string.IsNullOrWhiteSpace(id))
                throw new InputException(path, lineNumber, "missing or empty \"_id\"/\"id\"");
            string Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
            string title = Field("title"), body = Field("text") is { Length: > 0 } text ? text : Field("contents");
            return new TextRecord(id, title.Length > 0 && body.Length > 0 ? $"{title} {body}" : title + body);
        }
        catch (JsonException ex)
        {
            throw new InputException(path, lineNumber, $"malformed JSON ({ex.Message})");
        }
    }
}
