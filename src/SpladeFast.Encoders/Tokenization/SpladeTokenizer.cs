using System.Text.Json;
using Microsoft.ML.Tokenizers;
using SpladeFast.Ingest;

namespace SpladeFast.Encoders.Tokenization;

/// <summary>
/// WordPiece tokenization as Hugging Face's uncased BERT tokenizer does it: Microsoft.ML.Tokenizers'
/// WordPieceTokenizer over our <see cref="BertNormalizer"/> and <see cref="BertPreTokenizer"/>, words that
/// WordPiece cannot cover become [UNK], and [CLS] ... [SEP] with truncation to a maximum length.
/// </summary>
public sealed class SpladeTokenizer
{
    private readonly WordPieceTokenizer _wordPiece;
    private readonly BertNormalizer _normalizer;
    private readonly BertPreTokenizer _preTokenizer = new();

    /// <param name="tokens">Tokens by id.</param>
    /// <param name="sourcePath">The file the tokens come from, for errors.</param>
    /// <param name="lowercase">Lower-case the text first (uncased BERT vocabularies).</param>
    /// <param name="stripAccents">Remove combining accents after NFD normalization (as BERT's basic tokenizer).</param>
    private SpladeTokenizer(IReadOnlyList<string> tokens, string sourcePath, bool lowercase, bool stripAccents)
    {
        _normalizer = new BertNormalizer(lowercase, stripAccents);
        using (var lines = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', tokens))))
            _wordPiece = WordPieceTokenizer.Create(lines, new WordPieceOptions { UnknownToken = "[UNK]", ContinuingSubwordPrefix = "##", MaxInputCharsPerWord = 100 });
        var vocabulary = tokens.Select((token, id) => (token, id)).GroupBy(t => t.token).ToDictionary(g => g.Key, g => g.First().id);
        Vocabulary = vocabulary;
        int Special(string token) => vocabulary.TryGetValue(token, out int id) ? id
            : throw new InputException(sourcePath, 0, $"no {token} token: not a BERT WordPiece vocabulary (it needs [CLS], [SEP] and [UNK])");
        ClsId = Special("[CLS]");
        SepId = Special("[SEP]");
        UnkId = Special("[UNK]");
        PadId = vocabulary.GetValueOrDefault("[PAD]");
        Tokens = tokens;
        VocabularySize = tokens.Count;
    }

    /// <summary>Tokens by id (vocab.txt's lines).</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Token to id (ordinal).</summary>
    public IReadOnlyDictionary<string, int> Vocabulary { get; }
    /// <summary>Tokens: ids 0 .. VocabularySize - 1.</summary>
    public int VocabularySize { get; }
    /// <summary>[CLS]'s id, which starts every input.</summary>
    public int ClsId { get; }
    /// <summary>[SEP]'s id, which ends every input.</summary>
    public int SepId { get; }
    /// <summary>[UNK]'s id, for words WordPiece cannot split.</summary>
    public int UnkId { get; }
    /// <summary>[PAD]'s id, which pads batches.</summary>
    public int PadId { get; }

    /// <summary>
    /// Loads <c>vocab.txt</c> from a model directory; lower-casing and accent stripping follow its
    /// <c>tokenizer_config.json</c> (do_lower_case, strip_accents: null follows lower-casing), default uncased.
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory has neither vocab.txt nor tokenizer.json.</exception>
    /// <exception cref="InputException">A file is not what it should be, or asks for tokenization this class does
    /// not do (e.g. tokenize_chinese_chars false); the message names the file.</exception>
    public static SpladeTokenizer FromDirectory(string directory)
    {
        string vocabulary = Path.Combine(directory, "vocab.txt");
        string tokenizerJson = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(vocabulary) && File.Exists(tokenizerJson))
            return FromTokenizerJson(tokenizerJson);
        if (!File.Exists(vocabulary))
            throw new FileNotFoundException($"{directory}: no vocab.txt or tokenizer.json (the WordPiece vocabulary)", vocabulary);
        bool lowercase = true;
        bool? stripAccents = null;
        string config = Path.Combine(directory, "tokenizer_config.json");
        if (File.Exists(config))
        {
            using var json = JsonInput.ParseObject(config, "a Hugging Face tokenizer_config.json");
            lowercase = Flag(json.RootElement, "do_lower_case", config) ?? lowercase;
            stripAccents = Flag(json.RootElement, "strip_accents", config);
            if (Flag(json.RootElement, "tokenize_chinese_chars", config) == false)
                throw new InputException(config, 0, "tokenize_chinese_chars false is not supported (BERT splits CJK ideographs into words of their own)");
        }
        return new SpladeTokenizer(InputFiles.ReadAllLines(vocabulary), vocabulary, lowercase, stripAccents ?? lowercase);
    }

    /// <summary>
    /// A Hugging Face tokenizer.json with a WordPiece model and a BertNormalizer: its vocabulary and normalizer flags
    /// are honoured.
    /// </summary>
    /// <exception cref="InputException">The file is not JSON, its vocabulary is not ids 0 to n-1, or it asks for a
    /// model, normalizer, pre-tokenizer or option this class does not implement; the message names the file.</exception>
    public static SpladeTokenizer FromTokenizerJson(string path)
    {
        using var json = JsonInput.ParseObject(path, "a Hugging Face tokenizer.json");
        var root = json.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object
            || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new InputException(path, 0, "no WordPiece model.vocab");
        // Anything but BERT's WordPiece pipeline would tokenize differently without a sign: refuse it.
        Require(path, model, "type", "WordPiece", "model");
        Require(path, model, "unk_token", "[UNK]", "model");
        Require(path, model, "continuing_subword_prefix", "##", "model");
        if (model.TryGetProperty("max_input_chars_per_word", out var maxChars) && !(maxChars.ValueKind == JsonValueKind.Number && maxChars.TryGetInt32(out int max) && max == 100))
            throw new InputException(path, 0, $"model max_input_chars_per_word {maxChars.GetRawText()} is not supported (100, BERT's)");
        if (root.TryGetProperty("pre_tokenizer", out var preTokenizer) && preTokenizer.ValueKind != JsonValueKind.Null)
            Require(path, preTokenizer, "type", "BertPreTokenizer", "pre_tokenizer");
        var tokens = new string[vocab.EnumerateObject().Count()];
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0 || id >= tokens.Length || tokens[id] is not null)
                throw new InputException(path, 0, $"model.vocab: the id of '{entry.Name}' ({entry.Value.GetRawText()}) is not one of 0 to {tokens.Length - 1} that no other token has");
            tokens[id] = entry.Name;
        }
        bool lowercase = true;
        bool? stripAccents = null;
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind != JsonValueKind.Object)
            throw new InputException(path, 0, "no normalizer: only BertNormalizer is supported");
        Require(path, normalizer, "type", "BertNormalizer", "normalizer");
        if (Flag(normalizer, "clean_text", path) == false || Flag(normalizer, "handle_chinese_chars", path) == false)
            throw new InputException(path, 0, "BertNormalizer with clean_text or handle_chinese_chars false is not supported");
        lowercase = Flag(normalizer, "lowercase", path) ?? lowercase;
        stripAccents = Flag(normalizer, "strip_accents", path);
        return new SpladeTokenizer(tokens, path, lowercase, stripAccents ?? lowercase);
    }

    /// <summary>A vocab.txt, one token a line, line n (from 0) being id n.</summary>
    /// <exception cref="InputException">The file is missing, not UTF-8, or lacks [CLS], [SEP] or [UNK].</exception>
    public static SpladeTokenizer FromVocabulary(string vocabularyPath, bool lowercase = true, bool? stripAccents = null) =>
        new(InputFiles.ReadAllLines(vocabularyPath), vocabularyPath, lowercase, stripAccents ?? lowercase);

    /// <summary>A true/false setting, null when absent or null.</summary>
    private static bool? Flag(JsonElement settings, string name, string path)
    {
        if (!settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
            : throw new InputException(path, 0, $"{name} must be true, false or null, not {value.GetRawText()}");
    }

    /// <summary>Refuses a string setting, when present, other than <paramref name="supported"/>.</summary>
    private static void Require(string path, JsonElement settings, string name, string supported, string where)
    {
        if (settings.TryGetProperty(name, out var value) && !(value.ValueKind == JsonValueKind.String && value.GetString() == supported))
            throw new InputException(path, 0, $"{where} {name} {value.GetRawText()} is not supported ({supported})");
    }

    /// <summary>WordPiece ids of the text without special tokens.</summary>
    public List<int> WordPieces(string text)
    {
        string normalized = _normalizer.Normalize(text);
        var ids = new List<int>();
        foreach (var (offset, length) in _preTokenizer.PreTokenize(normalized))
        {
            var word = normalized.AsSpan(offset, length);
            var pieces = _wordPiece.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false);
            // A word WordPiece cannot cover entirely is one [UNK], as in Hugging Face.
            if (pieces.Count == 0 || pieces.Contains(UnkId))
                ids.Add(UnkId);
            else
                ids.AddRange(pieces);
        }
        return ids;
    }

    /// <summary>
    /// The first <paramref name="maxLength"/> ids of [CLS] pieces [SEP]. A truncated text loses its [SEP], as in
    /// the reference tokenizer of the parity fixtures (transformers.js).
    /// </summary>
    public int[] Encode(string text, int maxLength)
    {
        if (maxLength < 2)
            throw new ArgumentOutOfRangeException(nameof(maxLength), "The maximum length must be at least 2.");
        var pieces = WordPieces(text);
        var ids = new int[Math.Min(pieces.Count + 2, maxLength)];
        ids[0] = ClsId;
        pieces.CopyTo(0, ids, 1, Math.Min(pieces.Count, ids.Length - 1));
        if (pieces.Count + 2 <= maxLength)
            ids[^1] = SepId;
        return ids;
    }
}
