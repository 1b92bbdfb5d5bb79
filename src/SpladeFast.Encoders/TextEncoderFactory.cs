using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Encoders.Tokenization;
using SpladeFast.Ingest;

namespace SpladeFast.Encoders;

/// <summary>What an encoder spec needs beyond its name.</summary>
public sealed record TextEncoderSettings
{
    /// <summary>WordPiece vocab.txt for encoders without a model directory (bm25, idf, tokens).</summary>
    public string? VocabularyPath { get; init; }
    /// <summary>How SPLADE models encode.</summary>
    public EncodeOptions Encode { get; init; } = new();
    /// <summary>torch, onnx or auto (<see cref="EncoderBackends"/>).</summary>
    public string Backend { get; init; } = EncoderBackends.Auto;
    /// <summary>How the backend runs the model.</summary>
    public BackendSettings Model { get; init; } = new();
    /// <summary>BM25's k1 (term frequency saturation).</summary>
    public double K1 { get; init; } = 0.9;
    /// <summary>BM25's b (length normalization).</summary>
    public double B { get; init; } = 0.4;
}

/// <summary>
/// Encoders by spec, as the CLI and experiment configs name them: a SPLADE model directory (or
/// <c>splade:DIR</c>), <c>bm25</c> (documents; call Fit first), <c>idf:FILE</c> or <c>tokens</c> (queries).
/// </summary>
public static class TextEncoderFactory
{
    /// <summary>The encoder <paramref name="spec"/> names (see the type).</summary>
    /// <exception cref="ArgumentException">bm25, idf or tokens without a vocabulary, an unknown or unlinked backend, or a setting the backend does not take.</exception>
    /// <exception cref="DirectoryNotFoundException">A model spec whose directory does not exist.</exception>
    public static ITextEncoder Create(string spec, TextEncoderSettings settings)
    {
        SpladeTokenizer Tokenizer() => settings.VocabularyPath is { } vocabulary
            ? SpladeTokenizer.FromVocabulary(vocabulary)
            : throw new ArgumentException($"the {spec} encoder needs a WordPiece vocab.txt (--vocab)");
        if (spec == "bm25")
            return new Bm25DocumentEncoder(Tokenizer(), settings.K1, settings.B);
        if (spec == "tokens")
            return new TokenCountEncoder(Tokenizer());
        if (spec.StartsWith("idf:", StringComparison.Ordinal))
            return new IdfQueryEncoder(Tokenizer(), spec[4..]);
        string directory = spec.StartsWith("splade:", StringComparison.Ordinal) ? spec[7..] : spec;
        var encoder = EncoderBackends.Load(directory, settings.Backend, settings.Model);
        return new SpladeTextEncoder(encoder, settings.Encode,
            $"splade:{Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))} ({encoder.Backend.Name})");
    }

    /// <summary>Encodes texts in chunks into an Anserini JSONL writer; BM25 must have been fitted.</summary>
    public static void EncodeTo(ITextEncoder encoder, IEnumerable<TextRecord> texts, JsonVectorWriter writer, Action<long>? progress = null)
    {
        long done = 0;
        foreach (var chunk in texts.Chunk(2048))
        {
            var vectors = encoder.Encode(chunk.Select(r => r.Text).ToList());
            for (int i = 0; i < chunk.Length; i++)
                writer.Write(chunk[i].Id, vectors[i].Terms.Select((t, j) => (encoder.Tokenizer.Tokens[t], vectors[i].Weights[j])));
            progress?.Invoke(done += chunk.Length);
        }
    }
}
