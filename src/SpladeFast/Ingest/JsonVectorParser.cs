using System.Text;
using System.Text.Json;

namespace SpladeFast.Ingest;

/// <summary>
/// Parses Anserini JsonVectorCollection lines: <c>{"id": "...", "vector": {"token": weight, ...}}</c>.
/// Other fields (<c>contents</c>, ...) are skipped; the id and the tokens must be valid <see cref="Identifiers"/>, and a
/// token given twice is an error (Anserini would keep one weight silently). Returns an error message instead of
/// throwing so callers can attach the file and line or count the record as skipped.
/// </summary>
public static class JsonVectorParser
{
    /// <param name="line">One JSONL line, UTF-8.</param>
    /// <param name="into">Cleared, then filled with the id and the tokens with their weights.</param>
    /// <returns>Null when the line parsed, else what is wrong with it (without file or line).</returns>
    /// <param name="checkedBefore">The line passed these checks before (an index build's second pass): the id and
    /// token rules and the repeated-token check are not run again.</param>
    public static string? TryParse(ReadOnlySpan<byte> line, ParsedVector into, bool checkedBefore = false)
    {
        into.Clear();
        try
        {
            return Parse(line, into, !checkedBefore);
        }
        catch (JsonException ex)
        {
            return HasNonFiniteLiteral(line)
                ? "weights must be finite numbers (found NaN or Infinity)"
                : $"malformed JSON ({JsonErrors.Reason(ex)})";
        }
        catch (InvalidOperationException ex)
        {
            // A string that escapes half a surrogate pair ("\ud802") parses as JSON but cannot become text.
            return $"malformed JSON string ({ex.Message.TrimEnd('.')})";
        }
    }

    private static string? Parse(ReadOnlySpan<byte> line, ParsedVector into, bool check)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return "expected a JSON object";
        bool sawId = false, sawVector = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8) || reader.ValueTextEquals("_id"u8))
            {
                reader.Read();
                into.Id = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString()!,
                    JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                    _ => throw new JsonException("\"id\" must be a string or a number."),
                };
                sawId = true;
            }
            else if (reader.ValueTextEquals("vector"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                    return "\"vector\" must be an object of token: weight";
                if (ReadVector(ref reader, into, check) is { } error)
                    return error;
                sawVector = true;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            return "malformed JSON (trailing content)";
        if (!sawId)
            return "missing \"id\"";
        if (check && Identifiers.Check(into.Id, "id") is { } badId)
            return badId;
        if (!sawVector)
            return "missing \"vector\"";
        return check && into.RepeatedToken() is { } repeated ? $"token '{repeated}' appears twice" : null;
    }

    private static string? ReadVector(ref Utf8JsonReader reader, ParsedVector into, bool check)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int maxChars = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            var buffer = into.TokenBuffer(maxChars);
            int length = reader.CopyString(buffer);
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number)
                return $"weight of token '{buffer[..length]}' is not a number";
            if (!reader.TryGetDouble(out double weight) || !double.IsFinite(weight))
                return $"weight of token '{buffer[..length]}' is not a finite number";
            if (weight < 0)
                return $"weight of token '{buffer[..length]}' is negative ({weight})";
            if (check && Identifiers.Check(buffer[..length], "token") is { } badToken)
                return badToken;
            into.Add(length, weight);
        }
        return null;
    }

    private static bool HasNonFiniteLiteral(ReadOnlySpan<byte> line) =>
        line.IndexOf("NaN"u8) >= 0 || line.IndexOf("Infinity"u8) >= 0;
}
