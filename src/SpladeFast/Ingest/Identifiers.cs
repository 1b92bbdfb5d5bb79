using System.Globalization;
using System.Text;

namespace SpladeFast.Ingest;

/// <summary>
/// The one rule for document ids, query ids and tokens, checked wherever they enter (documents, queries, text
/// corpora, vocabularies, CIFF, PISA lexicons, Parquet, bulk NDJSON, search requests) and before an index's own
/// are written out: an identifier is not empty and holds no whitespace (<see cref="char.IsWhiteSpace(char)"/>, the
/// Unicode White_Space property: space, tab, line ends, no-break and ideographic spaces, ...), no control character
/// (category Cc: U+0000-U+001F, U+007F-U+009F), no byte order mark (U+FEFF) and no unpaired surrogate.
/// TREC runs and qrels split on whitespace and PISA lexicons on line ends, so such an id would shift the fields
/// after it; a stray BOM or half a surrogate pair would make an id that looks equal but is not, or that UTF-8
/// cannot hold.
/// </summary>
public static class Identifiers
{
    private const int ShownChars = 80;

    /// <summary>Null when <paramref name="value"/> is a valid identifier, else why not, naming it <paramref name="what"/> ("id", "token", ...).</summary>
    public static string? Check(ReadOnlySpan<char> value, string what)
    {
        if (value.IsEmpty)
            return $"empty {what}";
        // Printable ASCII is the common case and needs no per-character look.
        if (!value.ContainsAnyExceptInRange('!', '~'))
            return null;
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (IsForbidden(value[i]))
                return $"{what} '{Shown(value)}' holds {Describe(value[i])} at character {i + 1}; ids and tokens cannot hold whitespace or control characters";
        }
        return null;
    }

    /// <summary>
    /// <paramref name="value"/> when valid; otherwise an <see cref="InvalidDataException"/> saying it cannot be
    /// written to <paramref name="output"/> (only an index built before ids were checked can hold such a value).
    /// </summary>
    public static string Writable(string value, string what, string output) =>
        Check(value, what) is { } problem
            ? throw new InvalidDataException($"cannot write {output}: {problem} (the index was built before ids were checked; rebuild it from corrected input)")
            : value;

    private static bool IsForbidden(char c) =>
        char.IsWhiteSpace(c) || char.IsControl(c) || c == '\uFEFF' || char.IsSurrogate(c);

    private static string Describe(char c) => c switch
    {
        ' ' => "a space (U+0020)",
        '\t' => "a tab (U+0009)",
        '\n' or '\r' => $"a line break (U+{(int)c:X4})",
        '\uFEFF' => "a byte order mark (U+FEFF)",
        _ when char.IsSurrogate(c) => $"half a surrogate pair (U+{(int)c:X4})",
        _ when char.IsControl(c) => $"a control character (U+{(int)c:X4})",
        _ => $"a whitespace character (U+{(int)c:X4})",
    };

    /// <summary>The value for an error message: on one line (whitespace but the space, controls and BOMs escaped), shortened.</summary>
    private static string Shown(ReadOnlySpan<char> value)
    {
        var shown = new StringBuilder();
        foreach (char c in value[..Math.Min(value.Length, ShownChars)])
        {
            if (c != ' ' && IsForbidden(c) && !char.IsSurrogate(c))
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else
                shown.Append(c);
        }
        return value.Length > ShownChars ? shown.Append("...").ToString() : shown.ToString();
    }
}
