using SpladeFast.Encoders.Tokenization;

namespace SpladeFast.Encoders.Lexical;

/// <summary>A bag of WordPiece tokens: each token weighs its count (the query side of BM25).</summary>
public sealed class TokenCountEncoder(SpladeTokenizer tokenizer) : ITextEncoder
{
    /// <inheritdoc/>
    public string Name => "tokens";
    /// <inheritdoc/>
    public SpladeTokenizer Tokenizer => tokenizer;

    /// <inheritdoc/>
    public SparseTermVector[] Encode(IReadOnlyList<string> texts) =>
        texts.Select(text =>
        {
            var counts = tokenizer.WordPieces(text).GroupBy(t => t).OrderBy(g => g.Key).ToArray();
            return new SparseTermVector(counts.Select(g => g.Key).ToArray(), counts.Select(g => (float)g.Count()).ToArray());
        }).ToArray();

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }
}
