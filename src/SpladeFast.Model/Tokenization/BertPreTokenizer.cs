using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace SpladeFast.Model.Tokenization;

/// <summary>
/// Hugging Face's BertPreTokenizer: split on whitespace, and every punctuation character is a word of its own.
/// Punctuation is BERT's: all ASCII non-alphanumeric symbols (including _ | ~ ^ $ + &lt; = &gt; `) and every
/// Unicode P* character.
/// </summary>
public sealed class BertPreTokenizer : PreTokenizer
{
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    private static List<(int Offset, int Length)> Split(string text)
    {
        var words = new List<(int, int)>();
        int start = -1;
        for (int i = 0; i < text.Length;)
        {
            var rune = Rune.GetRuneAt(text, i);
            int width = rune.Utf16SequenceLength;
            if (Rune.IsWhiteSpace(rune) || IsPunctuation(rune))
            {
                if (start >= 0)
                    words.Add((start, i - start));
                start = -1;
                if (!Rune.IsWhiteSpace(rune))
                    words.Add((i, width));
            }
            else if (start < 0)
            {
                start = i;
            }
            i += width;
        }
        if (start >= 0)
            words.Add((start, text.Length - start));
        return words;
    }

    private static bool IsPunctuation(Rune rune)
    {
        int c = rune.Value;
        if (c is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
            return true;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }
}
