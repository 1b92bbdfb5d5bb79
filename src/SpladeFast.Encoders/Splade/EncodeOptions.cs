namespace SpladeFast.Encoders.Splade;

public enum Pooling
{
    /// <summary>SPLADE v2 / SPLADE++: max over positions.</summary>
    Max,
    /// <summary>SPLADE v1: sum over positions.</summary>
    Sum,
}

public sealed record EncodeOptions
{
    public Pooling Pooling { get; init; } = Pooling.Max;
    public int MaxLength { get; init; } = 256;
    public int BatchSize { get; init; } = 32;
    /// <summary>Keep only the heaviest terms of each vector (0: all).</summary>
    public int MaxTerms { get; init; }
    /// <summary>Drop weights at or below this.</summary>
    public float MinWeight { get; init; }
}

/// <summary>A SPLADE model as a text encoder, with fixed encoding options.</summary>
public sealed class SpladeTextEncoder(SpladeEncoder encoder, EncodeOptions options, string name) : ITextEncoder
{
    public string Name => name;
    public Tokenization.SpladeTokenizer Tokenizer => encoder.Tokenizer;
    public SpladeEncoder Encoder => encoder;
    public SparseTermVector[] Encode(IReadOnlyList<string> texts) => encoder.Encode(texts, options);
    public void Dispose() => encoder.Dispose();
}
