using SpladeFast.Encoders.Tokenization;

namespace SpladeFast.Encoders;

/// <summary>Turns texts into sparse vectors over a WordPiece vocabulary.</summary>
public interface ITextEncoder : IDisposable
{
    /// <summary>What the encoder is, for logs, metadata and /stats (e.g. "tokens" or a model directory).</summary>
    string Name { get; }
    /// <summary>The WordPiece tokenizer; vector term ids are its token ids.</summary>
    SpladeTokenizer Tokenizer { get; }
    /// <summary>One sparse vector per text, in order.</summary>
    SparseTermVector[] Encode(IReadOnlyList<string> texts);
}

/// <summary>A sparse vector over the WordPiece vocabulary, terms increasing.</summary>
public sealed record SparseTermVector(int[] Terms, float[] Weights);
