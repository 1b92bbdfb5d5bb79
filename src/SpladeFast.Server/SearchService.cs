using System.Collections.Concurrent;
using System.Diagnostics;
using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.Model.Encoding;
using SpladeFast.Quantize;
using SpladeFast.Shards;

namespace SpladeFast.Server;

/// <summary>A request the client got wrong: answered with <see cref="StatusCode"/> and the message.</summary>
public sealed class BadRequestException(string message, int statusCode = 400) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// Answers search requests from the shared memory-mapped shards. Per-thread search state is pooled (one searcher
/// per concurrent request, reused after); the query encoder, when there is one, encodes one text at a time.
/// </summary>
public sealed class SearchService(ShardSet shards, ITextEncoder? encoder, SearchServiceOptions options)
{
    private readonly ConcurrentBag<IQuerySearcher> _searchers = [];
    private readonly Lock _encoderLock = new();
    private long _requests;

    public ShardSet Shards => shards;

    public StatsResponse Stats() => new(
        shards.TotalDocuments, shards.Vocabulary.Count, shards.PostingCount,
        shards.Shards.Select(s => Path.GetFileName(s.Path)).ToList(), options.DefaultAlgorithm,
        [.. SearchAlgorithms.Names], encoder?.Name, options.MaxK, Interlocked.Read(ref _requests));

    public SearchResponse Search(SearchRequest request)
    {
        Interlocked.Increment(ref _requests);
        if (request.K < 1 || request.K > options.MaxK)
            throw new BadRequestException($"k must be between 1 and {options.MaxK}, not {request.K}");
        string algorithmName = request.Algorithm ?? options.DefaultAlgorithm;
        var algorithm = SearchAlgorithms.All.FirstOrDefault(a => a.Name == algorithmName)
            ?? throw new BadRequestException($"unknown algorithm '{algorithmName}'; known: {string.Join(", ", SearchAlgorithms.Names)}");
        if (algorithm is BlockMaxPruning && shards.Shards.Any(s => s.Ranges is null))
            throw new BadRequestException("bmp needs an index built with --bmp");

        long start = Stopwatch.GetTimestamp();
        var (query, weightScale, unknown) = (request.Vector, request.Text) switch
        {
            ({ } vector, null) => FromVector(vector),
            (null, { } text) => FromText(text),
            _ => throw new BadRequestException("give exactly one of 'vector' (token -> weight) and 'text'"),
        };
        double encodeMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        start = Stopwatch.GetTimestamp();
        var searcher = _searchers.TryTake(out var pooled) ? pooled : CreateSearcher();
        SearchHitResponse[] hits;
        try
        {
            var found = searcher.Search(query, request.K, algorithm);
            hits = new SearchHitResponse[found.Length];
            double divisor = shards.ImpactScale * weightScale;
            for (int i = 0; i < found.Length; i++)
                hits[i] = new SearchHitResponse(shards.DocumentId(found[i].DocId), found[i].Score / divisor);
        }
        finally
        {
            _searchers.Add(searcher);
        }
        return new SearchResponse(hits, algorithm.Name, request.K, unknown, encodeMilliseconds, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    private IQuerySearcher CreateSearcher() =>
        shards.Shards.Count == 1 ? new SearchContext(shards.Shards[0]) : new ShardedSearcher(shards);

    private (QueryVector Query, double WeightScale, int Unknown) FromVector(Dictionary<string, double> vector)
    {
        if (vector.Count > options.MaxQueryTerms)
            throw new BadRequestException($"the vector has {vector.Count} terms; at most {options.MaxQueryTerms} are allowed");
        var weights = new Dictionary<int, double>();
        int unknown = 0;
        foreach (var (token, weight) in vector)
        {
            if (Identifiers.Check(token, "token") is { } badToken)
                throw new BadRequestException(badToken);
            if (!double.IsFinite(weight) || weight < 0)
                throw new BadRequestException($"weight of '{token}' must be a finite number >= 0, not {weight}");
            if (shards.Vocabulary.TryGetId(token, out int id))
                weights[id] = weight;
            else
                unknown++;
        }
        return (QueryReader.Quantized("request", weights, QueryWeights.DefaultFloatScale), QueryWeights.DefaultFloatScale, unknown);
    }

    private (QueryVector Query, double WeightScale, int Unknown) FromText(string text)
    {
        if (encoder is null)
            throw new BadRequestException("this server has no query encoder (start it with --query-model or --query-encoder); send a 'vector'");
        if (text.Length > options.MaxTextLength)
            throw new BadRequestException($"the text has {text.Length} characters; at most {options.MaxTextLength} are allowed");
        SparseTermVector encoded;
        lock (_encoderLock)
            encoded = encoder.Encode([text])[0];
        return (EncodedQueries.ToQuery("request", encoded, encoder.Tokenizer.Tokens, shards.Vocabulary), EncodedQueries.WeightScale, 0);
    }
}

public sealed record SearchServiceOptions
{
    public string DefaultAlgorithm { get; init; } = "block_max_maxscore";
    public int MaxK { get; init; } = 10_000;
    public int MaxQueryTerms { get; init; } = 4096;
    public int MaxTextLength { get; init; } = 100_000;
    /// <summary>Larger request bodies are refused with 413.</summary>
    public long MaxRequestBytes { get; init; } = 1 << 20;
}
