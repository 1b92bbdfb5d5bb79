using System.Globalization;
using System.Text;
using System.Text.Json;
using SpladeFast.Encoders.Tokenization;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Model;

/// <summary>
/// BertNormalizer against Hugging Face's own (Rust) implementation over all of Unicode: Data/hf-bert-normalizer.txt
/// and Data/hf-bert-strings.json were written by it (Data/make-hf-bert-normalizer.js says how), and by category over
/// .NET's Unicode data, where the two agree.
/// </summary>
public class BertNormalizerTests
{
    private static readonly BertNormalizer Uncased = new(lowercase: true, stripAccents: true);
    private static readonly BertNormalizer Cased = new(lowercase: false, stripAccents: false);
    private static readonly BertNormalizer LowercaseOnly = new(lowercase: true, stripAccents: false);

    [Theory]
    [InlineData("uncased", true, true)]
    [InlineData("cased", false, false)]
    [InlineData("lowercase-only", true, false)]
    public void Every_code_point_normalizes_as_hugging_face_does(string configuration, bool lowercase, bool stripAccents)
    {
        var normalizer = new BertNormalizer(lowercase, stripAccents);
        var failures = new List<string>();
        int next = 0, count = 0;
        foreach (var (first, last, kind) in ReadRuns(configuration))
        {
            Assert.Equal(next == 0xD800 ? 0xE000 : next, first);
            for (int c = first; c <= last; c++)
            {
                if (c is >= 0xD800 and <= 0xDFFF)
                    continue;
                count++;
                string expected = Expected(c, first, kind);
                string actual = normalizer.Normalize(char.ConvertFromUtf32(c));
                if (actual != expected && failures.Count < 20)
                    failures.Add($"U+{c:X4}: expected {Hex(expected)}, got {Hex(actual)}");
            }
            next = last + 1;
        }
        Assert.Equal(0x110000, next);
        Assert.Equal(0x110000 - 0x800, count);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Texts_normalize_as_hugging_face_does()
    {
        var normalizers = new Dictionary<string, BertNormalizer>
        {
            ["uncased"] = Uncased,
            ["cased"] = Cased,
            ["lowercase-only"] = LowercaseOnly,
            ["strip-only"] = new(lowercase: false, stripAccents: true),
        };
        var failures = new List<string>();
        foreach (var entry in ReadTexts())
        {
            string text = entry.GetProperty("text").GetString()!;
            foreach (var (name, normalizer) in normalizers)
            {
                string expected = entry.GetProperty(name).GetString()!;
                string actual = normalizer.Normalize(text);
                if (actual != expected)
                    failures.Add($"{name} {Hex(text)}: expected {Hex(expected)}, got {Hex(actual)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Texts_tokenize_as_hugging_face_does()
    {
        var tokenizer = SpladeTokenizer.FromVocabulary(SharedData.Require("data/bert-base-uncased/vocab.txt"));
        var failures = new List<string>();
        foreach (var entry in ReadTexts())
        {
            string text = entry.GetProperty("text").GetString()!;
            int[] expected = entry.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray();
            int[] actual = tokenizer.Encode(text, 512);
            if (!expected.SequenceEqual(actual))
                failures.Add($"{Hex(text)}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Non_spacing_marks_are_stripped_in_every_plane()
    {
        var stripped = new List<int>();
        foreach (int c in CodePointsOf(UnicodeCategory.NonSpacingMark))
        {
            string mark = char.ConvertFromUtf32(c);
            string result = Uncased.Normalize($"a{mark}b");
            // The marks encoded after Hugging Face's tables (Unicode 8.0) stay in the word, as there.
            Assert.True(result == "ab" || result == $"a{mark}b", $"U+{c:X4}: {Hex(result)}");
            if (result == "ab")
                stripped.Add(c);
            Assert.Equal($"a{mark}b", Cased.Normalize($"a{mark}b"));
        }
        Assert.True(stripped.Count >= 1500, $"{stripped.Count} marks stripped");
        Assert.Contains(0x10A01, stripped);
        Assert.Contains(0x1D167, stripped);
        Assert.Contains(0xE0100, stripped);
        Assert.True(stripped.Count(c => c > 0xFFFF) >= 400, $"{stripped.Count(c => c > 0xFFFF)} astral marks stripped");
        Assert.Equal("ab", Uncased.Normalize("a\uD802\uDE01b"));
    }

    [Fact]
    public void Control_format_and_private_use_characters_are_dropped_unassigned_ones_kept()
    {
        int format = 0, formatDropped = 0;
        for (int c = 0; c <= 0x10FFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF or '\t' or '\n' or '\r')
                continue;
            string text = $"a{char.ConvertFromUtf32(c)}b";
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Control or UnicodeCategory.PrivateUse:
                    Assert.True(Cased.Normalize(text) == "ab", $"U+{c:X4}");
                    break;
                case UnicodeCategory.Format:
                    format++;
                    string result = Cased.Normalize(text);
                    // Format characters encoded after Unicode 8.0 are ordinary characters to Hugging Face.
                    Assert.True(result == "ab" || result == text, $"U+{c:X4}: {Hex(result)}");
                    formatDropped += result == "ab" ? 1 : 0;
                    break;
                case UnicodeCategory.OtherNotAssigned:
                    // Hugging Face's is_control leaves Cn out, whatever its comment says (the CJK blocks' are split off).
                    string kept = Cased.Normalize(text);
                    Assert.True(kept == text || kept == $"a {char.ConvertFromUtf32(c)} b", $"U+{c:X4}: {Hex(kept)}");
                    break;
            }
        }
        Assert.True(formatDropped >= 140 && formatDropped < format, $"{formatDropped} of {format} format characters dropped");
        foreach (string dropped in new[] { "\u0000", "\uFFFD", "\u200B", "\u00AD", "\uFEFF", "\U000E0001", "\U000E007F", "\U0010FFFD" })
            Assert.Equal("ab", Uncased.Normalize($"a{dropped}b"));
    }

    [Fact]
    public void Every_whitespace_separates_words_except_the_controls_among_them()
    {
        int separators = 0;
        for (int c = 0; c <= 0x10FFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF || !Rune.IsWhiteSpace(new Rune(c)))
                continue;
            // \v, \f and U+0085 are controls first: dropped, not spaces (tab, newline and CR are spaces).
            bool control = CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Control && c is not ('\t' or '\n' or '\r');
            Assert.Equal(control ? "ab" : "a b", Uncased.Normalize($"a{char.ConvertFromUtf32(c)}b"));
            separators += control ? 0 : 1;
        }
        Assert.Equal(22, separators);
    }

    [Fact]
    public void Cjk_ideographs_are_split_off_in_hugging_faces_blocks()
    {
        (int First, int Last)[] blocks = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)];
        foreach (var (first, last) in blocks)
        {
            for (int c = first; c <= last; c++)
            {
                string ideograph = char.ConvertFromUtf32(c);
                Assert.Equal($"a {ideograph} b", Cased.Normalize($"a{ideograph}b"));
            }
        }
        // Hugging Face starts its last astral block at U+2B920 where Google's BERT starts it at U+2B820.
        Assert.Equal("a\U0002B820b", Cased.Normalize("a\U0002B820b"));
        Assert.Equal("a \U0002B920 b", Cased.Normalize("a\U0002B920b"));
        // Compatibility ideographs are split off first, then decomposed.
        Assert.Equal("a \u8C48 b", Uncased.Normalize("a\uF900b"));
    }

    [Fact]
    public void Lowercasing_can_lengthen_the_text_and_comes_after_stripping()
    {
        Assert.Equal("i\u0307stanbul", LowercaseOnly.Normalize("İstanbul"));
        Assert.Equal("istanbul", Uncased.Normalize("İstanbul"));
        Assert.Equal("i\u0307i\u0307 \U0001E922", LowercaseOnly.Normalize("İİ \U0001E900"));
        Assert.Equal("ǆ ǆ ǆ", Uncased.Normalize("Ǆ ǅ ǆ"));
        // Case pairs of Unicode 16 and 17, whatever the machine's ICU knows.
        Assert.Equal("\U00010D70 \u0264 \u1C8A", Uncased.Normalize("\U00010D50 \uA7CB \u1C89"));
        Assert.Equal("σσ", Uncased.Normalize("ΣΣ"));
    }

    [Fact]
    public void Decomposition_follows_hugging_faces_unicode_9_tables_and_survives_noncharacters()
    {
        Assert.Equal("x\uFFFEy", Uncased.Normalize("x\uFFFEy\u0301"));
        // Composites encoded after Unicode 9.0 stay whole.
        Assert.Equal("\U00011938", Uncased.Normalize("\U00011938\u0301"));
        Assert.Equal("\U000105C9", Uncased.Normalize("\U000105C9"));
        // A lone surrogate reads as U+FFFD and is dropped.
        Assert.Equal("ab", Uncased.Normalize("a\uD800b"));
    }

    private static IEnumerable<int> CodePointsOf(UnicodeCategory category)
    {
        for (int c = 0; c <= 0x10FFFF; c++)
        {
            if (c is not (>= 0xD800 and <= 0xDFFF) && CharUnicodeInfo.GetUnicodeCategory(c) == category)
                yield return c;
        }
    }

    private static List<(int First, int Last, string Kind)> ReadRuns(string configuration)
    {
        var runs = new List<(int, int, string)>();
        bool inside = false;
        foreach (string line in File.ReadLines(DataFile("hf-bert-normalizer.txt")))
        {
            if (line.StartsWith('#'))
            {
                inside = line == $"# {configuration}";
                continue;
            }
            if (!inside || line.Length == 0)
                continue;
            var fields = line.Split(' ', 3);
            runs.Add((Convert.ToInt32(fields[0], 16), Convert.ToInt32(fields[1], 16), fields[2]));
        }
        Assert.NotEmpty(runs);
        return runs;
    }

    /// <summary>What a run of the reference file says code point c becomes (the format is in make-hf-bert-normalizer.js).</summary>
    private static string Expected(int c, int first, string kind)
    {
        string self = char.ConvertFromUtf32(c);
        switch (kind)
        {
            case "=":
                return self;
            case "-":
                return "";
            case "_":
                return " ";
            case "c":
                return $" {self} ";
            case "h":
                int index = c - 0xAC00;
                string jamo = $"{(char)(0x1100 + index / 588)}{(char)(0x1161 + index % 588 / 28)}";
                return index % 28 == 0 ? jamo : jamo + (char)(0x11A7 + index % 28);
        }
        if (kind.StartsWith("c ", StringComparison.Ordinal))
            return $" {FromHex(kind[2..])} ";
        if (kind.StartsWith("> ", StringComparison.Ordinal))
            return FromHex(kind[2..]);
        Assert.StartsWith("+", kind);
        bool alternate = kind.EndsWith("/2", StringComparison.Ordinal);
        int delta = int.Parse(alternate ? kind[1..^2] : kind[1..], CultureInfo.InvariantCulture);
        return alternate && (c - first) % 2 != 0 ? self : char.ConvertFromUtf32(c + delta);
    }

    private static string FromHex(string codePoints) =>
        string.Concat(codePoints.Split(' ').Select(h => char.ConvertFromUtf32(Convert.ToInt32(h, 16))));

    private static string Hex(string text) => $"[{string.Join(" ", text.EnumerateRunes().Select(r => r.Value.ToString("X4", CultureInfo.InvariantCulture)))}]";

    private static List<JsonElement> ReadTexts() =>
        JsonDocument.Parse(File.ReadAllText(DataFile("hf-bert-strings.json"))).RootElement.EnumerateArray().ToList();

    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Model", "Data", name);
}
