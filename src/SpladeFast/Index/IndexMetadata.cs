using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpladeFast.Index;

/// <summary>How an index was made: stored as JSON in its Metadata section and shown by <c>stats</c>.</summary>
public sealed record IndexMetadata
{
    public string Tool { get; init; } = "splade-fast";
    public string Vocabulary { get; init; } = "documents";
    public string Quantization { get; init; } = "";
    public IReadOnlyList<string> Inputs { get; init; } = [];
    public long SkippedRecords { get; init; }
    /// <summary>Free-form provenance added by later stages (pruning, reordering).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    public static IndexMetadata FromUtf8(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<IndexMetadata>(json, Options) ?? new IndexMetadata();
}
