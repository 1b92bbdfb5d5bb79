using System.Text.Json;
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
    /// <summary>Stored fields to return with each hit ("*": all); null returns none.</summary>
    public List<string>? Fields { get; set; }
    /// <summary>
    /// Answer 503 rather than a partial answer when some shard has no replica up (a cluster gateway; a single
    /// process always answers completely).
    /// </summary>
    public bool RequireComplete { get; set; }
}

/// <summary>One hit of <see cref="SearchResponse"/>.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Score">Its score in weight units (the index's integer score divided by its scales).</param>
/// <param name="Fields">The hit's requested stored fields (absent ones left out); null unless the request named some.</param>
public sealed record SearchHitResponse(string Id, double Score,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, JsonElement>? Fields = null);

/// <summary>
/// The body of <c>POST /documents</c> (live indexes): documents as JSON objects with an id and either a
/// <c>vector</c> (token -> weight, as index input) or a <c>text</c> (encoded by the server's encoder); their other
/// fields are stored. An id already in the index is replaced.
/// </summary>
public sealed record AddDocumentsRequest
{
    public List<JsonElement>? Documents { get; set; }
}

/// <summary>
/// The answer to <c>POST /documents</c> and <c>DELETE /documents/{id}</c>: acknowledged (durable and searchable).
/// Through a cluster, <see cref="Shards"/> says what each live shard written took; <c>Generation</c> is then the
/// largest of theirs and <c>Pending</c> their sum.
/// </summary>
public sealed record WriteResponse(int Added, int Replaced, int Deleted, long Generation, int Pending)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ShardWriteResponse>? Shards { get; init; }
}

/// <summary>One live shard's part of a cluster write: the shard, the name of the silo holding its writable copy, and its counts.</summary>
public sealed record ShardWriteResponse(string Shard, string Silo, int Added, int Replaced, int Deleted, long Generation, int Pending);

/// <summary>A live index's state in <c>GET /stats</c>.</summary>
/// <param name="Generation">The commit point's generation.</param>
/// <param name="Segments">The segments of the current commit point.</param>
/// <param name="Pending">Documents in the memory buffer (in the log, not yet in a segment).</param>
/// <param name="LiveDocuments">Documents searchable and not deleted, in segments and the buffer.</param>
/// <param name="Merging">The segments a background merge is joining now.</param>
/// <param name="MergesDone">Merges finished since the index was opened.</param>
/// <param name="LastMergeError">The last failed merge's error (null: none).</param>
public sealed record LiveStatsResponse(
    long Generation, IReadOnlyList<LiveSegmentResponse> Segments, int Pending, long LiveDocuments,
    IReadOnlyList<string> Merging, long MergesDone, string? LastMergeError);

public sealed record LiveSegmentResponse(string Name, int Documents, int Deleted);

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

/// <summary>The answer to <c>GET /stats</c>.</summary>
/// <param name="Documents">Documents searched (live ones, for a live index).</param>
/// <param name="Terms">The vocabulary's size.</param>
/// <param name="Postings">Postings over all shards or segments.</param>
/// <param name="Shards">The shards' (or live segments') names.</param>
/// <param name="DefaultAlgorithm">The algorithm a request that names none gets.</param>
/// <param name="Algorithms">The algorithm names a request may give.</param>
/// <param name="QueryEncoder">The text encoder's name (null: vector queries only).</param>
/// <param name="MaxK">The largest k a request may ask for.</param>
/// <param name="Requests">Search requests answered since start.</param>
/// <param name="Live">A live index's state (absent for static indexes).</param>
/// <param name="Generation">1 for the files opened at start, one more for each successful reload.</param>
/// <param name="Files">The index files served, as they were when opened.</param>
public sealed record StatsResponse(
    long Documents, int Terms, long Postings, IReadOnlyList<string> Shards, string DefaultAlgorithm,
    IReadOnlyList<string> Algorithms, string? QueryEncoder, int MaxK, long Requests,
    long Generation, IReadOnlyList<IndexFileResponse> Files,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LiveStatsResponse? Live = null);

/// <summary>
/// One served index file: its path, size and modification time when opened, and its header checksum (16 hex digits),
/// which covers the section table and so every section's checksum: a different file has a different one.
/// </summary>
public sealed record IndexFileResponse(string Path, long Bytes, DateTime Modified, string HeaderChecksum)
{
    /// <summary>An opened index file as served.</summary>
    public static IndexFileResponse Of(Index.SparseIndex index) => new(index.Path, index.FileLength, File.GetLastWriteTimeUtc(index.Path),
        index.Header.Checksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
}

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
[JsonSerializable(typeof(AddDocumentsRequest))]
[JsonSerializable(typeof(WriteResponse))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class SearchApiJson : JsonSerializerContext;
