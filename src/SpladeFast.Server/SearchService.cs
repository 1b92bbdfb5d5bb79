using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using SpladeFast.Algorithms;
using SpladeFast.Format;
using SpladeFast.Ingest;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Live;
using SpladeFast.Quantize;

namespace SpladeFast.Server;

/// <summary>A request the client got wrong: answered with <see cref="StatusCode"/> and the message.</summary>
public sealed class BadRequestException(string message, int statusCode = 400) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>A reload that could not open the index files; the files opened before are still served.</summary>
public sealed class ReloadException(string message, Exception inner) : Exception(message, inner);

/// <summary>A request that asked for complete results while some shard had no replica up: answered 503.</summary>
public sealed class IncompleteResultsException(string message) : Exception(message);

/// <summary>
/// Answers search requests from the shards an <see cref="IShardSearch"/> opens: this process's memory-mapped
/// shards, or a cluster's. The query encoder, when there is one, encodes one text at a time.
/// <see cref="Reload"/> opens the shards again and swaps them in at once; requests already running finish on
/// the shards they started with, which close when the last of those requests ends. Over a live index
/// (<see cref="SearchService(LiveIndex, ITextEncoder?, SearchServiceOptions)"/>) every request searches the newest
/// snapshot, and documents are added and deleted through it.
/// </summary>
public sealed class SearchService : IDisposable
{
    private readonly Func<IShardSearch> _open;
    private readonly ITextEncoder? _encoder;
    private readonly SearchServiceOptions _options;
    private readonly Lock _encoderLock = new();
    private readonly Lock _reloadLock = new();
    private Generation _current;
    private readonly LiveIndex? _live;
    private readonly IDocumentWriter? _writer;
    private readonly ConditionalWeakTable<LiveSnapshot, ConcurrentBag<LiveSearcher>> _liveSearchers = [];
    private long _requests;
    private volatile bool _disposed;

    /// <summary>Opens (and verifies) the index files at <paramref name="indexPaths"/>, as one collection.</summary>
    /// <exception cref="IndexCorruptException">A file is damaged.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="InvalidOperationException">The files do not go together as shards.</exception>
    public SearchService(IReadOnlyList<string> indexPaths, ITextEncoder? encoder, SearchServiceOptions options)
        : this(OpenFiles(indexPaths.Select(Path.GetFullPath).ToList()), encoder, options)
    {
    }

    /// <summary>
    /// Serves the shards <paramref name="open"/> opens, now and at each reload; documents written go to
    /// <paramref name="writer"/> (none: the shards are read-only).
    /// </summary>
    public SearchService(Func<IShardSearch> open, ITextEncoder? encoder, SearchServiceOptions options, IDocumentWriter? writer = null)
    {
        _open = open;
        _writer = writer;
        _encoder = encoder;
        _options = options;
        _current = new Generation(1, open());
    }

    /// <summary>Serves a live index opened for writing (the caller keeps it, and disposes it after the service).</summary>
    public SearchService(LiveIndex live, ITextEncoder? encoder, SearchServiceOptions options)
    {
        _open = () => throw new InvalidOperationException("a live index has no files to reopen");
        _live = live;
        _writer = new LiveDocumentWriter(live);
        _encoder = encoder;
        _options = options;
        _current = null!;
    }

    private static Func<IShardSearch> OpenFiles(IReadOnlyList<string> paths) => () => LocalShardSearch.Open(paths);

    public StatsResponse Stats()
    {
        if (_live is not null)
            return LiveStats();
        var generation = Acquire();
        try
        {
            var shards = generation.Shards;
            return new StatsResponse(
                shards.Documents, shards.Vocabulary.Count, shards.Postings, shards.ShardNames, _options.DefaultAlgorithm,
                [SearchAlgorithms.Auto, .. SearchAlgorithms.Names], _encoder?.Name, _options.MaxK, Interlocked.Read(ref _requests),
                generation.Number, shards.Files);
        }
        finally
        {
            generation.Release();
        }
    }

    /// <summary>
    /// Opens the index files again, verifying them, and answers every later request from them. An index must be
    /// replaced by renaming a complete file over it: a file rewritten in place breaks the memory-mapped one in use.
    /// </summary>
    /// <returns>The statistics of the files now served.</returns>
    /// <exception cref="ReloadException">A file is missing, damaged or does not fit the others; nothing changed.</exception>
    public StatsResponse Reload()
    {
        if (_live is not null)
            return LiveStats(); // always current: every write is visible when acknowledged
        lock (_reloadLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Generation next;
            try
            {
                next = new Generation(_current.Number + 1, _open());
            }
            catch (Exception ex) when (ex is IndexCorruptException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new ReloadException($"reload failed, still serving generation {_current.Number}: {ex.Message}", ex);
            }
            Interlocked.Exchange(ref _current, next).Release();
        }
        return Stats();
    }

    public SearchResponse Search(SearchRequest request)
    {
        Interlocked.Increment(ref _requests);
        if (request.K < 1 || request.K > _options.MaxK)
            throw new BadRequestException($"k must be between 1 and {_options.MaxK}, not {request.K}");
        string algorithmName = request.Algorithm ?? _options.DefaultAlgorithm;
        if (algorithmName != SearchAlgorithms.Auto && !SearchAlgorithms.Names.Contains(algorithmName))
            throw new BadRequestException($"unknown algorithm '{algorithmName}'; known: {SearchAlgorithms.Auto}, {string.Join(", ", SearchAlgorithms.Names)}");
        if (_live is not null)
        {
            // The newest snapshot, for this request only: every acknowledged write is visible.
            var lease = _live.Acquire();
            using var snapshot = new LiveSnapshotSearch(lease, _liveSearchers.GetValue(lease.Snapshot, _ => []));
            return Search(request, snapshot.Algorithm(algorithmName, request.K), snapshot);
        }
        var generation = Acquire();
        try
        {
            // auto depends on the files served: a reload may add or drop bmp data.
            return Search(request, generation.Shards.Algorithm(algorithmName, request.K), generation.Shards);
        }
        finally
        {
            generation.Release();
        }
    }

    public void Dispose()
    {
        lock (_reloadLock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _current?.Release();
        }
    }

    /// <summary>The one search path: index files, a cluster's shards and a live index's snapshot alike.</summary>
    private SearchResponse Search(SearchRequest request, ISearchAlgorithm algorithm, IShardSearch shards)
    {
        if (algorithm is BlockMaxPruning && !shards.HasRanges)
            throw new BadRequestException("bmp needs an index built with --bmp");

        long start = Stopwatch.GetTimestamp();
        var (query, weightScale, unknown) = Query(request, shards.Vocabulary);
        double encodeMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        start = Stopwatch.GetTimestamp();
        var found = shards.Search(query, request.K, algorithm, storedSources: request.Fields is not null);
        if (found.MissingShards.Count > 0 && request.RequireComplete)
            throw new IncompleteResultsException($"no replica of shard(s) {string.Join(", ", found.MissingShards)} is up; retry, or leave out require_complete for the other shards' results flagged partial");
        var hits = new SearchHitResponse[found.Hits.Count];
        double divisor = shards.ImpactScale * weightScale;
        for (int i = 0; i < hits.Length; i++)
            hits[i] = new SearchHitResponse(found.Hits[i].Id, found.Hits[i].Score / divisor,
                request.Fields is null ? null : Fields(request.Fields, found.Hits[i].Source));
        return new SearchResponse(hits, algorithm.Name, request.K, unknown, encodeMilliseconds, Stopwatch.GetElapsedTime(start).TotalMilliseconds)
        {
            Partial = found.MissingShards.Count > 0,
            MissingShards = found.MissingShards,
        };
    }

    /// <summary>The named fields of a stored source ("*": all of them); none when nothing is stored.</summary>
    private static Dictionary<string, JsonElement> Fields(List<string> names, byte[]? source)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (source is null)
            return fields;
        using var document = JsonDocument.Parse(source);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (names.Contains("*") || names.Contains(property.Name))
                fields[property.Name] = property.Value.Clone();
        }
        return fields;
    }

    /// <summary>Adds (or replaces) documents in the live index; durable and searchable when this returns.</summary>
    /// <exception cref="BadRequestException">Not a live index, or a bad document (named by its position).</exception>
    public WriteResponse AddDocuments(AddDocumentsRequest request)
    {
        var writer = _writer ?? throw new BadRequestException("this server serves index files; documents are added to a live index (serve a 'live create' directory) or a cluster's live shards");
        if (request.Documents is not { Count: > 0 } documents)
            throw new BadRequestException("give 'documents': a non-empty list of {\"id\", \"vector\" or \"text\", ...}");
        var lines = new List<byte[]>(documents.Count);
        for (int i = 0; i < documents.Count; i++)
        {
            var document = documents[i];
            if (document.ValueKind != JsonValueKind.Object)
                throw new BadRequestException($"document {i + 1} is not a JSON object");
            if (document.TryGetProperty("vector", out _))
            {
                lines.Add(JsonSerializer.SerializeToUtf8Bytes(document, SearchApiJson.Default.JsonElement));
                continue;
            }
            if (!document.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw new BadRequestException($"document {i + 1} has neither a 'vector' nor a 'text'");
            lines.Add(EncodeDocument(document, text.GetString()!));
        }
        return writer.Add(lines);
    }

    /// <summary>Deletes a document of the live index (or the cluster's live shards); durable when this returns.</summary>
    public WriteResponse DeleteDocument(string id)
    {
        var writer = _writer ?? throw new BadRequestException("this server serves index files; documents are deleted from a live index or a cluster's live shards");
        if (Identifiers.Check(id, "document id") is { } error)
            throw new BadRequestException(error);
        return writer.Delete(id);
    }

    /// <summary>A text document as a vector line: its fields kept, the encoder's vector added.</summary>
    private byte[] EncodeDocument(JsonElement document, string text)
    {
        if (_encoder is not { } encoder)
            throw new BadRequestException("this server has no encoder (start it with --query-model); send 'vector's");
        if (text.Length > _options.MaxTextLength)
            throw new BadRequestException($"a text has {text.Length} characters; at most {_options.MaxTextLength} are allowed");
        SparseTermVector encoded;
        lock (_encoderLock)
            encoded = encoder.Encode([text])[0];
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in document.EnumerateObject())
                property.WriteTo(writer);
            writer.WriteStartObject("vector");
            for (int j = 0; j < encoded.Terms.Length; j++)
                writer.WriteNumber(encoder.Tokenizer.Tokens[encoded.Terms[j]], encoded.Weights[j]);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    private StatsResponse LiveStats()
    {
        var stats = _live!.Stats();
        using var lease = _live.Acquire();
        var snapshot = lease.Snapshot;
        return new StatsResponse(
            stats.LiveDocuments, snapshot.Vocabulary.Count, snapshot.Segments.Sum(s => s.Segment.Index.PostingCount),
            stats.Segments.Select(s => s.Name).ToList(), _options.DefaultAlgorithm,
            [SearchAlgorithms.Auto, .. SearchAlgorithms.Names], _encoder?.Name, _options.MaxK, Interlocked.Read(ref _requests),
            stats.Generation, snapshot.Segments.Select(s => IndexFileResponse.Of(s.Segment.Index)).ToList(),
            new LiveStatsResponse(stats.Generation, stats.Segments.Select(s => new LiveSegmentResponse(s.Name, s.Documents, s.Deleted)).ToList(),
                stats.BufferedDocuments, stats.LiveDocuments, stats.Merging, stats.MergesDone, stats.LastMergeError));
    }

    /// <summary>The generation now served, referenced until <see cref="Generation.Release"/>.</summary>
    private Generation Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Fails only for a generation a reload has just replaced: the next read sees its successor.
            var generation = Volatile.Read(ref _current);
            if (generation.TryAcquire())
                return generation;
        }
    }

    private (QueryVector Query, double WeightScale, int Unknown) Query(SearchRequest request, Vocabulary vocabulary) => (request.Vector, request.Text) switch
    {
        ({ } vector, null) => FromVector(vector, vocabulary),
        (null, { } text) => FromText(text, vocabulary),
        _ => throw new BadRequestException("give exactly one of 'vector' (token -> weight) and 'text'"),
    };

    private (QueryVector Query, double WeightScale, int Unknown) FromVector(Dictionary<string, double> vector, Vocabulary vocabulary)
    {
        if (vector.Count > _options.MaxQueryTerms)
            throw new BadRequestException($"the vector has {vector.Count} terms; at most {_options.MaxQueryTerms} are allowed");
        var weights = new Dictionary<int, double>();
        int unknown = 0;
        foreach (var (token, weight) in vector)
        {
            if (Identifiers.Check(token, "token") is { } badToken)
                throw new BadRequestException(badToken);
            if (!double.IsFinite(weight) || weight < 0)
                throw new BadRequestException($"weight of '{token}' must be a finite number >= 0, not {weight}");
            if (!QueryWeights.TryQuantize(weight, QueryWeights.DefaultFloatScale, out _))
                throw new BadRequestException(QueryWeights.OutOfRange(token, weight, QueryWeights.DefaultFloatScale));
            if (vocabulary.TryGetId(token, out int id))
                weights[id] = weight;
            else
                unknown++;
        }
        return (QueryReader.Quantized("request", weights, QueryWeights.DefaultFloatScale), QueryWeights.DefaultFloatScale, unknown);
    }

    private (QueryVector Query, double WeightScale, int Unknown) FromText(string text, Vocabulary vocabulary)
    {
        if (_encoder is not { } encoder)
            throw new BadRequestException("this server has no query encoder (start it with --query-model or --query-encoder); send a 'vector'");
        if (text.Length > _options.MaxTextLength)
            throw new BadRequestException($"the text has {text.Length} characters; at most {_options.MaxTextLength} are allowed");
        SparseTermVector encoded;
        lock (_encoderLock)
            encoded = encoder.Encode([text])[0];
        return (EncodedQueries.ToQuery("request", encoded, encoder.Tokenizer.Tokens, vocabulary), EncodedQueries.WeightScale, 0);
    }

    /// <summary>
    /// One opening of the shards. The service holds one reference while the generation is current, each request
    /// one while it runs; the last to let go closes the shards.
    /// </summary>
    private sealed class Generation(long number, IShardSearch shards)
    {
        private readonly Storage.LeaseCount _references = new();

        public long Number { get; } = number;
        public IShardSearch Shards { get; } = shards;

        /// <summary>Takes a reference unless the generation is already closed (or closing).</summary>
        public bool TryAcquire() => _references.TryAcquire();

        public void Release()
        {
            if (_references.Release($"generation {Number}"))
                Shards.Dispose();
        }
    }
}

public sealed record SearchServiceOptions
{
    public string DefaultAlgorithm { get; init; } = SearchAlgorithms.Auto;
    public int MaxK { get; init; } = 10_000;
    public int MaxQueryTerms { get; init; } = 4096;
    public int MaxTextLength { get; init; } = 100_000;
    /// <summary>Larger request bodies are refused with 413.</summary>
    public long MaxRequestBytes { get; init; } = 1 << 20;
}
