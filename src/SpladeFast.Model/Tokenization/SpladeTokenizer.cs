using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace SpladeFast.Model.Tokenization;

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

    private SpladeTokenizer(string vocabularyPath, bool lowercase, bool stripAccents)
    {
        _normalizer = new BertNormalizer(lowercase, stripAccents);
        _wordPiece = WordPieceTokenizer.Create(vocabularyPath, new WordPieceOptions { UnknownToken = "[UNK]", ContinuingSubwordPrefix = "##", MaxInputCharsPerWord = 100 });
        var vocabulary = File.ReadLines(vocabularyPath).Select((token, id) => (token, id)).GroupBy(t => t.token).ToDictionary(g => g.Key, g => g.First().id);
        Vocabulary = vocabulary;
        ClsId = vocabulary["[CLS]"];
        SepId = vocabulary["[SEP]"];
        UnkId = vocabulary["[UNK]"];
        PadId = vocabulary.GetValueOrDefault("[PAD]");
        Tokens = File.ReadAllLines(vocabularyPath);
        VocabularySize = Tokens.Count;
    }

    /// <summary>Tokens by id (vocab.txt's lines).</summary>
    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyDictionary<string, int> Vocabulary { get; }
    public int VocabularySize { get; }
    public int ClsId { get; }
    public int SepId { get; }
    public int UnkId { get; }
    public int PadId { get; }

    /// <summary>
    /// Loads <c>vocab.txt</c> from a model directory; lower-casing and accent stripping follow its
    /// <c>tokenizer_config.json</c> (do_lower_case, strip_accents: null follows lower-casing), default uncased.
    /// </summary>
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
            using var json = JsonDocument.Parse(File.ReadAllText(config));
            if (json.RootElement.TryGetProperty("do_lower_case", out var lower) && lower.ValueKind is JsonValueKind.True or JsonValueKind.False)
                lowercase = lower.GetBoolean();
            if (json.RootElement.TryGetProperty("strip_accents", out var strip) && strip.ValueKind is JsonValueKind.True or JsonValueKind.False)
                stripAccents = strip.GetBoolean();
        }
        return new SpladeTokenizer(vocabulary, lowercase, stripAccents ?? lowercase);
    }

    /// <summary>
    /// A Hugging Face tokenizer.json with a WordPiece model and a BertNormalizer: its vocabulary is written out as
    /// a vocab.txt beside the process's temporary files and its normalizer flags are honoured.
    /// </summary>
    public static SpladeTokenizer FromTokenizerJson(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: no WordPiece model.vocab");
        var tokens = vocab.EnumerateObject().OrderBy(p => p.Value.GetInt32()).Select(p => p.Name).ToList();
        bool lowercase = true;
        bool? stripAccents = null;
        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object)
        {
            if (normalizer.TryGetProperty("lowercase", out var lower) && lower.ValueKind is JsonValueKind.True or JsonValueKind.False)
                lowercase = lower.GetBoolean();
            if (normalizer.TryGetProperty("strip_accents", out var strip) && strip.ValueKind is JsonValueKind.True or JsonValueKind.False)
                stripAccents = strip.GetBoolean();
        }
        string vocabularyPath = Path.Combine(Path.GetTempPath(), $"splade-fast-vocab-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(vocabularyPath, tokens);
        try
        {
            return new SpladeTokenizer(vocabularyPath, lowercase, stripAccents ?? lowercase);
        }
        finally
        {
            File.Delete(vocabularyPath);
        }
    }

    public static SpladeTokenizer FromVocabulary(string vocabularyPath, bool lowercase = true, bool? stripAccents = null) =>
        new(vocabularyPath, lowercase, stripAccents ?? lowercase);

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
