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
    /// <summary>
    /// Answer 503 rather than a partial answer when some shard has no replica up (a cluster gateway; a single
    /// process always answers completely).
    /// </summary>
    public bool RequireComplete { get; set; }
}

public sealed record SearchHitResponse(string Id, double Score);

/// <summary>
/// The top k. <see cref="Partial"/>: some shards had no replica up, so the hits are the exact top k of the other
/// shards only, and <see cref="MissingShards"/> names the missing ones.
/// </summary>
public sealed record SearchResponse(IReadOnlyList<SearchHitResponse> Hits, string Algorithm, int K, int UnknownTokens, double EncodeMilliseconds, double SearchMilliseconds)
{
    public bool Partial { get; init; }
    public IReadOnlyList<string> MissingShards { get; init; } = [];
}

public sealed record ErrorResponse(string Error);

/// <param name="Generation">1 for the files opened at start, one more for each successful reload.</param>
/// <param name="Files">The index files served, as they were when opened.</param>
public sealed record StatsResponse(
    long Documents, int Terms, long Postings, IReadOnlyList<string> Shards, string DefaultAlgorithm,
    IReadOnlyList<string> Algorithms, string? QueryEncoder, int MaxK, long Requests,
    long Generation, IReadOnlyList<IndexFileResponse> Files);

/// <summary>
/// One served index file: its path, size and modification time when opened, and its header checksum (16 hex digits),
/// which covers the section table and so every section's checksum: a different file has a different one.
/// </summary>
public sealed record IndexFileResponse(string Path, long Bytes, DateTime Modified, string HeaderChecksum);

/// <summary>
/// snake_case on the wire; unknown request fields and repeated keys (a token given twice in a vector) are errors,
/// not silently ignored or merged.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(StatsResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class SearchApiJson : JsonSerializerContext;
