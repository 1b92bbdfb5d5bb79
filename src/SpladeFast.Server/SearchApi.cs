using System.Text.Json.Serialization;

namespace SpladeFast.Server;

/// <summary>The body of <c>POST /search</c>: exactly one of <see cref="Vector"/> and <see cref="Text"/>.</summary>
/// <remarks>Settable properties: the JSON source generator sets every init-only property, erasing defaults.</remarks>
public sealed record SearchRequest
{
    /// <summary>
    /// A sparse query vector, token -> weight (weights in float units, quantized x 100 like JSONL queries); a token
    /// that is not a valid <see cref="Ingest.Identifiers">identifier</see> is a bad request.
    /// </summary>
    public Dictionary<string, double>? Vector { get; set; }
    /// <summary>A text query, encoded by the server's query encoder.</summary>
    public string? Text { get; set; }
    public int K { get; set; } = 10;
    public string? Algorithm { get; set; }
}

public sealed record SearchHitResponse(string Id, double Score);

public sealed record SearchResponse(IReadOnlyList<SearchHitResponse> Hits, string Algorithm, int K, int UnknownTokens, double EncodeMilliseconds, double SearchMilliseconds);

public sealed record ErrorResponse(string Error);

public sealed record StatsResponse(
    long Documents, int Terms, long Postings, IReadOnlyList<string> Shards, string DefaultAlgorithm,
    IReadOnlyList<string> Algorithms, string? QueryEncoder, int MaxK, long Requests);

/// <summary>snake_case on the wire; unknown request fields are an error, not silently ignored.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(StatsResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class SearchApiJson : JsonSerializerContext;
