using System.Text.Json;

namespace SpladeFast.Ingest;

/// <summary>
/// JSON input files (UTF-8, a BOM skipped) whose errors name the file and line: a <see cref="JsonException"/> names
/// neither, and its message ends in .NET's zero-based position.
/// </summary>
public static class JsonInput
{
    /// <summary>Parses a file that must hold a JSON object.</summary>
    /// <param name="what">What the file should be, for the error (e.g. "a Hugging Face config.json").</param>
    /// <exception cref="InputException">The file is not JSON or its top level is not an object.</exception>
    /// <param name="path">The file, named in every error.</param>
    public static JsonDocument ParseObject(string path, string what)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(InputFiles.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw Error(path, e, what);
        }
        var kind = json.RootElement.ValueKind;
        if (kind == JsonValueKind.Object)
            return json;
        json.Dispose();
        throw new InputException(path, 0, $"not {what} (expected a JSON object, found {kind})");
    }

    /// <summary>Deserializes the text of a file.</summary>
    /// <exception cref="InputException">The text is not JSON or does not fit <typeparamref name="T"/>; also when it is null.</exception>
    public static T Deserialize<T>(string path, string json, JsonSerializerOptions options, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, options) ?? throw new InputException(path, 0, $"not {what} (null)");
        }
        catch (JsonException e)
        {
            throw Error(path, e, what);
        }
    }

    /// <summary>
    /// The error for a <see cref="JsonException"/> met reading <paramref name="path"/>, at the exception's line or at
    /// <paramref name="line"/> (a JSONL file's), with the JSON path of a value that does not fit.
    /// </summary>
    public static InputException Error(string path, JsonException e, string what, long line = 0) =>
        new(path, line > 0 ? line : (e.LineNumber ?? -1) + 1, $"not {what} ({JsonErrors.Reason(e)})");
}
