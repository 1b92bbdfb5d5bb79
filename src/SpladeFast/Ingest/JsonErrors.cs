using System.Text.Json;
using System.Text.RegularExpressions;

namespace SpladeFast.Ingest;

/// <summary>Turns System.Text.Json's errors into the reason part of an <see cref="InputException"/>.</summary>
public static partial class JsonErrors
{
    /// <summary>
    /// The exception's message without its "LineNumber: 0 | BytePositionInLine: 17" tail: that line counts from 0
    /// within the text parsed (one JSONL line), so next to the file's own line it misleads. The position comes
    /// back as the byte in the line, counted from 1, and a serializer's JSON path is kept.
    /// </summary>
    public static string Reason(JsonException exception)
    {
        var match = PositionTail().Match(exception.Message);
        string text = (match.Success ? exception.Message[..match.Index] : exception.Message).TrimEnd('.', ' ');
        var where = new List<string>();
        if (match.Groups["path"].Success)
            where.Add(match.Groups["path"].Value);
        if (exception.BytePositionInLine is { } position)
            where.Add($"byte {position + 1}");
        return where.Count == 0 ? text : $"{text}, at {string.Join(", ", where)}";
    }

    [GeneratedRegex(@"\s*(?:Path: (?<path>\S*) \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex PositionTail();
}
