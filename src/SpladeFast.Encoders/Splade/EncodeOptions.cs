namespace SpladeFast.Encoders.Splade;

/// <summary>How SPLADE pools a token's log-saturated logits over the input positions.</summary>
public enum Pooling
{
    /// <summary>SPLADE v2 / SPLADE++: max over positions.</summary>
    Max,
    /// <summary>SPLADE v1: sum over positions.</summary>
    Sum,
}

/// <summary>How a SPLADE model encodes texts.</summary>
public sealed record EncodeOptions
{
    /// <summary>Max (SPLADE v2, SPLADE++; the default) or sum (SPLADE v1).</summary>
    public Pooling Pooling { get; init; } = Pooling.Max;
    /// <summary>Tokens per text at most, [CLS] and [SEP] included (cut beyond; never past the model's positions).</summary>
    public int MaxLength { get; init; } = 256;
    /// <summary>Texts per model call.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Keep only the heaviest terms of each vector (0: all).</summary>
    public int MaxTerms { get; init; }
    /// <summary>Drop weights at or below this.</summary>
    public float MinWeight { get; init; }
}

/// <summary>A SPLADE model as a text encoder, with fixed encoding options.</summary>
public sealed class SpladeTextEncoder(SpladeEncoder encoder, EncodeOptions options, string name) : ITextEncoder
{
    /// <inheritdoc/>
    public string Name => name;
    /// <inheritdoc/>
    public Tokenization.SpladeTokenizer Tokenizer => encoder.Tokenizer;
    /// <summary>The model.</summary>
    public SpladeEncoder Encoder => encoder;
    /// <inheritdoc/>
    public SparseTermVector[] Encode(IReadOnlyList<string> texts) => encoder.Encode(texts, options);
    /// <summary>Disposes the model.</summary>
    public void Dispose() => encoder.Dispose();
}
