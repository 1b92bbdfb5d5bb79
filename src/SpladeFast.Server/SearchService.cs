using System.Diagnostics;
using SpladeFast.Algorithms;
using SpladeFast.Format;
using SpladeFast.Ingest;
using SpladeFast.Model.Encoding;
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
/// the shards they started with, which close when the last of those requests ends.
/// </summary>
public sealed class SearchService : IDisposable
{
    private readonly Func<IShardSearch> _open;
    private readonly ITextEncoder? _encoder;
    private readonly SearchServiceOptions _options;
    private readonly Lock _encoderLock = new();
    private readonly Lock _reloadLock = new();
    private Generation _current;
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

    /// <summary>Serves the shards <paramref name="open"/> opens, now and at each reload.</summary>
    public SearchService(Func<IShardSearch> open, ITextEncoder? encoder, SearchServiceOptions options)
    {
        _open = open;
        _encoder = encoder;
        _options = options;
        _current = new Generation(1, open());
    }

    private static Func<IShardSearch> OpenFiles(IReadOnlyList<string> paths) => () => LocalShardSearch.Open(paths);

    public StatsResponse Stats()
    {
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
        var generation = Acquire();
        try
        {
            // auto depends on the files served: a reload may add or drop bmp data.
            return Search(request, generation.Shards.Algorithm(algorithmName, request.K), generation);
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
            _current.Release();
        }
    }

    private SearchResponse Search(SearchRequest request, ISearchAlgorithm algorithm, Generation generation)
    {
        var shards = generation.Shards;
        if (algorithm is BlockMaxPruning && !shards.HasRanges)
            throw new BadRequestException("bmp needs an index built with --bmp");

        long start = Stopwatch.GetTimestamp();
        var (query, weightScale, unknown) = (request.Vector, request.Text) switch
        {
            ({ } vector, null) => FromVector(vector, shards.Vocabulary),
            (null, { } text) => FromText(text, shards.Vocabulary),
            _ => throw new BadRequestException("give exactly one of 'vector' (token -> weight) and 'text'"),
        };
        double encodeMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        start = Stopwatch.GetTimestamp();
        var found = shards.Search(query, request.K, algorithm);
        if (found.MissingShards.Count > 0 && request.RequireComplete)
            throw new IncompleteResultsException($"no replica of shard(s) {string.Join(", ", found.MissingShards)} is up; retry, or leave out require_complete for the other shards' results flagged partial");
        var hits = new SearchHitResponse[found.Hits.Count];
        double divisor = shards.ImpactScale * weightScale;
        for (int i = 0; i < hits.Length; i++)
            hits[i] = new SearchHitResponse(found.Hits[i].Id, found.Hits[i].Score / divisor);
        return new SearchResponse(hits, algorithm.Name, request.K, unknown, encodeMilliseconds, Stopwatch.GetElapsedTime(start).TotalMilliseconds)
        {
            Partial = found.MissingShards.Count > 0,
            MissingShards = found.MissingShards,
        };
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
        private int _references = 1;

        public long Number { get; } = number;
        public IShardSearch Shards { get; } = shards;

        /// <summary>Takes a reference unless the generation is already closed (or closing).</summary>
        public bool TryAcquire()
        {
            int references = Volatile.Read(ref _references);
            while (references > 0)
            {
                int seen = Interlocked.CompareExchange(ref _references, references + 1, references);
                if (seen == references)
                    return true;
                references = seen;
            }
            return false;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
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
