using System.Text.Json;
using SpladeFast.Encoders.Tokenization;
using SpladeFast.Ingest;

namespace SpladeFast.Encoders.Lexical;

/// <summary>
/// Inference-free query encoding (OpenSearch's inference-free sparse models, sentence-transformers'
/// SparseStaticEmbedding): each distinct WordPiece token of the query weighs its value in a token -> weight
/// JSON file (typically IDF); tokens absent from the file and special tokens weigh nothing.
/// </summary>
public sealed class IdfQueryEncoder : ITextEncoder
{
    private readonly float[] _weights;

    /// <exception cref="FileNotFoundException">There is no weight file.</exception>
    /// <exception cref="Ingest.InputException">The file is not a JSON object.</exception>
    /// <exception cref="InvalidDataException">A weight is not a non-negative number; the message names the file.</exception>
    public IdfQueryEncoder(SpladeTokenizer tokenizer, string weightsPath)
    {
        Tokenizer = tokenizer;
        Name = $"idf:{Path.GetFileName(weightsPath)}";
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"{weightsPath}: token weight file not found", weightsPath);
        _weights = new float[tokenizer.VocabularySize];
        using var json = JsonInput.ParseObject(weightsPath, "a JSON object of token: weight");
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(entry.Value.GetDouble()) || entry.Value.GetDouble() < 0)
                throw new InvalidDataException($"{weightsPath}: weight of '{entry.Name}' is not a non-negative number");
            if (tokenizer.Vocabulary.TryGetValue(entry.Name, out int id))
                _weights[id] = (float)entry.Value.GetDouble();
        }
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public SpladeTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public SparseTermVector[] Encode(IReadOnlyList<string> texts) =>
        texts.Select(text =>
        {
            var terms = Tokenizer.WordPieces(text).Distinct().Where(t => _weights[t] > 0).Order().ToArray();
            return new SparseTermVector(terms, terms.Select(t => _weights[t]).ToArray());
        }).ToArray();

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }
}
