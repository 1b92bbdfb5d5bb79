using System.Text;
using Microsoft.ML.Tokenizers;

namespace SpladeFast.Encoders.Tokenization;

/// <summary>
/// Hugging Face's BertPreTokenizer: split on whitespace, and every punctuation character is a word of its own.
/// Punctuation is BERT's: all ASCII non-alphanumeric symbols (including _ | ~ ^ $ + &lt; = &gt; `) and every
/// P* character of Hugging Face's Unicode 8.0 tables (punctuation encoded since stays inside words, as there).
/// </summary>
public sealed class BertPreTokenizer : PreTokenizer
{
    /// <summary>The words of <paramref name="text"/> as (offset, length) in chars.</summary>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    /// <summary>The words of <paramref name="text"/> as (offset, length) in chars.</summary>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    private static List<(int Offset, int Length)> Split(string text)
    {
        var words = new List<(int, int)>();
        int start = -1;
        for (int i = 0; i < text.Length;)
        {
            var rune = Rune.GetRuneAt(text, i);
            int width = rune.Utf16SequenceLength;
            if (Rune.IsWhiteSpace(rune) || HuggingFaceUnicode.IsPunctuation(rune.Value))
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
}
