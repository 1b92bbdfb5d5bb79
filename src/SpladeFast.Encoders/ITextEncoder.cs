using SpladeFast.Encoders.Tokenization;

namespace SpladeFast.Encoders;

/// <summary>Turns texts into sparse vectors over a WordPiece vocabulary.</summary>
public interface ITextEncoder : IDisposable
{
    string Name { get; }
    SpladeTokenizer Tokenizer { get; }
    SparseTermVector[] Encode(IReadOnlyList<string> texts);
}

/// <summary>A sparse vector over the WordPiece vocabulary, terms increasing.</summary>
public sealed record SparseTermVector(int[] Terms, float[] Weights);
