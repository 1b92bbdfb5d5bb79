using System.Text;
using System.Text.Json;

namespace SpladeFast.Ingest;

/// <summary>A text to encode: document or query id and its text.</summary>
public readonly record struct TextRecord(string Id, string Text);

/// <summary>
/// Reads text collections: JSONL (BEIR <c>{"_id", "title", "text"}</c>, Anserini <c>{"id", "contents"}</c>;
/// title and text are joined by a space), TSV <c>id&lt;TAB&gt;text</c> (MS MARCO collection and topics), or the
/// SMART format of the classic test collections (Cranfield, CISI: <c>.I id</c>, then fields <c>.T</c> title and
/// <c>.W</c> text, which are kept, and <c>.A .B .X ...</c>, which are skipped); plain or gzip. The format is
/// recognised by the first non-blank line: '{' means JSONL, ".I " SMART. Ids must be valid <see cref="Identifiers"/>.
/// </summary>
public static class TextCorpus
{
    /// <param name="numberByPosition">Use 1, 2, 3, ... as ids (Cranfield's qrels number queries by position).</param>
    /// <param name="path">JSONL, TSV or SMART (see the type), plain or gzip; named in every error.</param>
    public static IEnumerable<TextRecord> Read(string path, bool numberByPosition = false)
    {
        int position = 0;
        foreach (var record in ReadRecords(path))
            yield return numberByPosition ? record with { Id = (++position).ToString(System.Globalization.CultureInfo.InvariantCulture) } : record;
    }

    private static IEnumerable<TextRecord> ReadRecords(string path)
    {
        using var reader = new Utf8LineReader(path);
        string? format = null;
        var smart = new SmartRecord();
        while (reader.TryReadLine(out var line))
        {
            if (format is null && line.Trim((byte)' ').IsEmpty)
                continue;
            format ??= line.TrimStart((byte)' ')[0] == (byte)'{' ? "json" : line.StartsWith(".I "u8) ? "smart" : "tsv";
            if (format == "smart")
            {
                if (smart.Add(path, reader.LineNumber, line) is { } done)
                    yield return done;
                continue;
            }
            if (line.Trim((byte)' ').IsEmpty)
                continue;
            yield return format == "json" ? FromJson(path, reader.LineNumber, line) : FromTsv(path, reader.LineNumber, line);
        }
        if (smart.Finish() is { } last)
            yield return last;
    }

    /// <summary>Accumulates one SMART record; returns the previous record when a new ".I" starts.</summary>
    private sealed class SmartRecord
    {
        private string? _id;
        private char _field;
        private readonly StringBuilder _title = new(), _text = new();

        public TextRecord? Add(string path, long lineNumber, ReadOnlySpan<byte> line)
        {
            if (line.Length >= 2 && line[0] == (byte)'.' && line[1] is >= (byte)'A' and <= (byte)'Z' && (line.Length == 2 || line[2] == (byte)' '))
            {
                char field = (char)line[1];
                if (field != 'I')
                {
                    _field = field;
                    return null;
                }
                var finished = Finish();
                _id = Encoding.UTF8.GetString(line[2..]).Trim();
                if (_id.Length == 0)
                    throw new InputException(path, lineNumber, "'.I' without an id");
                if (Identifiers.Check(_id, "id") is { } error)
                    throw new InputException(path, lineNumber, error);
                return finished;
            }
            if (_id is null)
                throw new InputException(path, lineNumber, "text before the first '.I'");
            var target = _field == 'T' ? _title : _field == 'W' ? _text : null;
            target?.Append(target.Length > 0 ? " " : "").Append(Encoding.UTF8.GetString(line).Trim());
            return null;
        }

        public TextRecord? Finish()
        {
            if (_id is null)
                return null;
            string title = _title.ToString(), text = _text.ToString();
            var record = new TextRecord(_id, title.Length > 0 && text.Length > 0 ? $"{title} {text}" : title + text);
            (_id, _field) = (null, '\0');
            _title.Clear();
            _text.Clear();
            return record;
        }
    }

    private static TextRecord FromTsv(string path, long lineNumber, ReadOnlySpan<byte> line)
    {
        int tab = line.IndexOf((byte)'\t');
        if (tab <= 0)
            throw new InputException(path, lineNumber, "expected 'id<TAB>text'");
        string id = Encoding.UTF8.GetString(line[..tab]).Trim();
        if (Identifiers.Check(id, "id") is { } error)
            throw new InputException(path, lineNumber, error);
        return new TextRecord(id, Encoding.UTF8.GetString(line[(tab + 1)..]));
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
            if (id is null)
                throw new InputException(path, lineNumber, "missing \"_id\"/\"id\"");
            if (Identifiers.Check(id, "id") is { } error)
                throw new InputException(path, lineNumber, error);
            string Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
            string title = Field("title"), body = Field("text") is { Length: > 0 } text ? text : Field("contents");
            return new TextRecord(id, title.Length > 0 && body.Length > 0 ? $"{title} {body}" : title + body);
        }
        catch (JsonException ex)
        {
            throw new InputException(path, lineNumber, $"malformed JSON ({JsonErrors.Reason(ex)})");
        }
        catch (InvalidOperationException ex)
        {
            // A string that escapes half a surrogate pair ("\ud802") parses as JSON but cannot become text.
            throw new InputException(path, lineNumber, $"malformed JSON string ({ex.Message.TrimEnd('.')})");
        }
    }
}
