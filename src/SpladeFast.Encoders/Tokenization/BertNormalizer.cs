using System.Text;
using Microsoft.ML.Tokenizers;

namespace SpladeFast.Encoders.Tokenization;

/// <summary>
/// Hugging Face's BertNormalizer, which Microsoft.ML.Tokenizers' BertTokenizer does not match exactly, in its order:
/// control and format characters dropped and every whitespace (tab, newline, U+2028, ...) made a space; CJK
/// ideographs surrounded by spaces; then, as the checkpoint asks, accents stripped (NFD, non-spacing marks removed)
/// and only after that lower-casing (Rust's, which can lengthen the text: İ becomes i + U+0307). Works code point by
/// code point over all of Unicode, astral planes included, with Hugging Face's Unicode tables
/// (<see cref="HuggingFaceUnicode"/>).
/// </summary>
public sealed class BertNormalizer(bool lowercase, bool stripAccents) : Normalizer
{
    /// <summary>Normalizes <paramref name="original"/> (see the type).</summary>
    public override string Normalize(string original) => Normalize(original.AsSpan());

    /// <summary>Normalizes <paramref name="original"/> (see the type).</summary>
    public override string Normalize(ReadOnlySpan<char> original)
    {
        var text = new StringBuilder(original.Length + 8);
        bool ascii = true;
        for (int i = 0; i < original.Length;)
        {
            char ch = original[i];
            if (ch < 0x80)
            {
                i++;
                if (ch is >= ' ' and not '\x7F')
                    text.Append(ch);
                else if (ch is '\t' or '\n' or '\r')
                    text.Append(' ');
                continue;
            }
            ascii = false;
            // A lone surrogate reads as U+FFFD, which clean_text drops.
            Rune.DecodeFromUtf16(original[i..], out var rune, out int width);
            i += width;
            int c = rune.Value;
            if (c == 0xFFFD || HuggingFaceUnicode.IsOther(c))
                continue;
            if (Rune.IsWhiteSpace(rune))
            {
                text.Append(' ');
            }
            else if (IsChineseCharacter(c))
            {
                text.Append(' ');
                HuggingFaceUnicode.AppendCodePoint(text, c);
                text.Append(' ');
            }
            else
            {
                HuggingFaceUnicode.AppendCodePoint(text, c);
            }
        }
        string cleaned = text.ToString();
        // ASCII has no marks, decompositions or case beyond A-Z.
        if (ascii)
            return lowercase ? cleaned.ToLowerInvariant() : cleaned;
        if (stripAccents)
            cleaned = StripAccents(cleaned);
        return lowercase ? Lowercase(cleaned) : cleaned;
    }

    /// <summary>NFD, then every non-spacing mark removed.</summary>
    private static string StripAccents(string text)
    {
        var stripped = new StringBuilder(text.Length);
        int start = 0;
        for (int i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int width);
            // .NET refuses to normalize U+FFFE, and Hugging Face's NFD takes what Unicode 9.0 did not have for
            // starters without decomposition: the text is decomposed piece by piece around both.
            if (rune.Value == 0xFFFE || HuggingFaceUnicode.IsBeyondDecompositionTables(rune.Value))
            {
                AppendWithoutMarks(stripped, text[start..i].Normalize(NormalizationForm.FormD));
                AppendWithoutMarks(stripped, rune.ToString());
                start = i + width;
            }
            i += width;
        }
        AppendWithoutMarks(stripped, text[start..].Normalize(NormalizationForm.FormD));
        return stripped.ToString();
    }

    private static void AppendWithoutMarks(StringBuilder stripped, string decomposed)
    {
        for (int i = 0; i < decomposed.Length;)
        {
            if (decomposed[i] < 0x300)
            {
                stripped.Append(decomposed[i++]);
                continue;
            }
            Rune.DecodeFromUtf16(decomposed.AsSpan(i), out var rune, out int width);
            if (!HuggingFaceUnicode.IsNonSpacingMark(rune.Value))
                stripped.Append(decomposed, i, width);
            i += width;
        }
    }

    private static string Lowercase(string text)
    {
        var lower = new StringBuilder(text.Length + 2);
        for (int i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int width);
            HuggingFaceUnicode.AppendLowercase(lower, rune.Value);
            i += width;
        }
        return lower.ToString();
    }

    /// <summary>
    /// The CJK blocks of Hugging Face's is_chinese_char. Unlike Google BERT's _is_chinese_char, it starts the last
    /// astral block at U+2B920, so U+2B820..U+2B91F are not split off.
    /// </summary>
    private static bool IsChineseCharacter(int c) =>
        c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
