using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace SpladeFast.Model.Tokenization;

/// <summary>
/// Hugging Face's BertNormalizer, which Microsoft.ML.Tokenizers' BertTokenizer does not match exactly: control
/// characters dropped, every whitespace (tab, newline, ...) made a space, CJK ideographs surrounded by spaces,
/// then lower-casing and accent stripping (NFD, non-spacing marks removed) as the checkpoint asks.
/// </summary>
public sealed class BertNormalizer(bool lowercase, bool stripAccents) : Normalizer
{
    public override string Normalize(string original) => Normalize(original.AsSpan());

    public override string Normalize(ReadOnlySpan<char> original)
    {
        var text = new StringBuilder(original.Length + 8);
        foreach (var rune in original.EnumerateRunes())
        {
            int c = rune.Value;
            if (c == 0 || c == 0xFFFD || IsControl(rune))
                continue;
            if (IsWhitespace(rune))
                text.Append(' ');
            else if (IsChineseCharacter(c))
                text.Append(' ').Append(rune.ToString()).Append(' ');
            else
                text.Append(rune.ToString());
        }
        string cleaned = text.ToString();
        if (lowercase)
            cleaned = cleaned.ToLowerInvariant();
        if (!stripAccents)
            return cleaned;
        var stripped = new StringBuilder(cleaned.Length);
        foreach (char ch in cleaned.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
                stripped.Append(ch);
        }
        return stripped.ToString();
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
            return false;
        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.Control or UnicodeCategory.Format;
    }

    /// <summary>The CJK Unicode blocks of BERT's _is_chinese_char.</summary>
    private static bool IsChineseCharacter(int c) =>
        c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
