using SpladeFast.Model.Tokenization;

namespace SpladeFast.Model.Encoding;

/// <summary>Turns texts into sparse vectors over a WordPiece vocabulary.</summary>
public interface ITextEncoder : IDisposable
{
    string Name { get; }
    SpladeTokenizer Tokenizer { get; }
    SparseTermVector[] Encode(IReadOnlyList<string> texts);
}

/// <summary>A SPLADE checkpoint as a text encoder.</summary>
public sealed class SpladeTextEncoder(SpladeEncoder encoder, EncodeOptions options, string name) : ITextEncoder
{
    public string Name => name;
    public SpladeTokenizer Tokenizer => encoder.Tokenizer;
    public SparseTermVector[] Encode(IReadOnlyList<string> texts) => encoder.Encode(texts, options);
    public void Dispose() => encoder.Dispose();
}
