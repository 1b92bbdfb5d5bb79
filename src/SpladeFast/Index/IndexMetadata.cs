using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpladeFast.Index;

/// <summary>How an index was made: stored as JSON in its Metadata section and shown by <c>stats</c>.</summary>
public sealed record IndexMetadata
{
    /// <summary>The writer ("splade-fast").</summary>
    public string Tool { get; init; } = "splade-fast";
    /// <summary>Where the term ids come from: "documents" (first occurrence order) or the --vocab file's name.</summary>
    public string Vocabulary { get; init; } = "documents";
    /// <summary>How weights became impacts (<see cref="Quantize.ImpactQuantizer.Describe"/>).</summary>
    public string Quantization { get; init; } = "";
    /// <summary>The input files the index was built from.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];
    /// <summary>Input records skipped as bad (--skip-bad).</summary>
    public long SkippedRecords { get; init; }
    /// <summary>Free-form provenance added by later stages (pruning, reordering).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The JSON the Metadata section holds (camelCase, indented).</summary>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Reads a Metadata section.</summary>
    /// <exception cref="System.Text.Json.JsonException">The bytes are not this record's JSON.</exception>
    public static IndexMetadata FromUtf8(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<IndexMetadata>(json, Options) ?? new IndexMetadata();
}
