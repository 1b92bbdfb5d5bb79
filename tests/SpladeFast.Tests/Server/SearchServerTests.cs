using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Server;
using SpladeFast.Shards;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Server;

/// <summary>A real server on 127.0.0.1 (any free port) over a synthetic index, shared by the tests of this class.</summary>
public sealed class ServerFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private WebApplication? _app;
    private SearchService? _service;

    public ShardSet Shards { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string QueriesPath { get; private set; } = "";
    public SearchServiceOptions Options { get; } = new() { MaxK = 1000, MaxRequestBytes = 64 * 1024 };

    public async Task InitializeAsync()
    {
        var collection = SyntheticCollections.Get(3000, 120, 11);
        QueriesPath = collection.Queries;
        new IndexBuilder(new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary, RangeSize = 32 }).Build(_dir.File("i.sfi"));
        Shards = ShardSet.Open([_dir.File("i.sfi")]);
        _service = new SearchService([_dir.File("i.sfi")], encoder: null, Options);
        _app = SearchServer.Create(_service, "http://127.0.0.1:0", Options);
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(SearchServer.Addresses(_app)[0]) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        _service?.Dispose();
        Shards?.Dispose();
        _dir.Dispose();
    }
}

public class SearchServerTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Concurrent_searches_equal_direct_search()
    {
        var index = server.Shards.Shards[0];
        var queries = QueryReader.Read(server.QueriesPath, index.Vocabulary).Queries;
        var context = new SearchContext(index);
        string[] algorithms = ["ranked_or", "maxscore", "block_max_wand", "bmp"];
        using var gate = new SemaphoreSlim(16);
        var requests = queries.Select(async (query, q) =>
        {
            string algorithm = algorithms[q % algorithms.Length];
            int k = q % 3 == 0 ? 100 : 10;
            // Counts read from the TSV are integer weights; the API takes float weights quantized x 100.
            var vector = query.Terms.ToDictionary(t => index.Vocabulary[t.TermId], t => t.Weight / 100.0);
            await gate.WaitAsync();
            try
            {
                using var response = await server.Client.PostAsJsonAsync("/search", new { vector, k, algorithm });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return (query, k, algorithm, Body: await response.Content.ReadAsStringAsync());
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var (query, k, algorithm, body) in await Task.WhenAll(requests))
        {
            using var json = JsonDocument.Parse(body);
            Assert.Equal(algorithm, json.RootElement.GetProperty("algorithm").GetString());
            var expected = context.Search(query, k, SearchAlgorithms.Get("ranked_or")).ToArray()
                .Select(h => (index.DocumentId(h.DocId), h.Score / (index.ImpactScale * 100))).ToList();
            var actual = json.RootElement.GetProperty("hits").EnumerateArray()
                .Select(h => (h.GetProperty("id").GetString()!, h.GetProperty("score").GetDouble())).ToList();
            Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Item1));
            Assert.Equal(expected.Select(e => e.Item2), actual.Select(a => a.Item2), (a, b) => Math.Abs(a - b) < 1e-9);
        }
        using var stats = JsonDocument.Parse(await server.Client.GetStringAsync("/stats"));
        Assert.Equal(3000, stats.RootElement.GetProperty("documents").GetInt64());
        Assert.True(stats.RootElement.GetProperty("requests").GetInt64() >= queries.Count);
    }

    [Fact]
    public async Task Health_answers_ok() =>
        Assert.Equal("{\"status\":\"ok\"}", await server.Client.GetStringAsync("/health"));

    [Theory]
    [InlineData("{\"vector\": {\"t00001\": 1}, \"colour\": 1}", 400, "colour")]
    [InlineData("{\"vector\": {\"t00001\": -1}}", 400, "finite number >= 0")]
    [InlineData("{\"vector\": {\"t00001\": \"x\"}}", 400, "bad JSON body")]
    [InlineData("{\"vector\": {\"t00001\": 1, \"t00001\": 2}}", 400, "Duplicate properties")]
    [InlineData("{\"vector\": {\"t00001\": 5e7}}", 400, "outside the query weight range 0..4294967295")]
    [InlineData("{\"vector\": {\"t00001\": 1}, \"k\": 0}", 400, "k must be between 1 and 1000")]
    [InlineData("{\"vector\": {\"t00001\": 1}, \"k\": 1001}", 400, "k must be between 1 and 1000")]
    [InlineData("{\"vector\": {\"t00001\": 1}, \"algorithm\": \"magic\"}", 400, "unknown algorithm 'magic'")]
    [InlineData("{\"k\": 5}", 400, "exactly one of 'vector'")]
    [InlineData("{\"text\": \"hello\"}", 400, "no query encoder")]
    [InlineData("not json", 400, "bad JSON body")]
    [InlineData("{\"vector\": {\"t00001 x\": 1}}", 400, "token 't00001 x' holds a space")]
    [InlineData("null", 400, "JSON null")]
    public async Task Bad_requests_get_a_json_error_and_a_4xx(string body, int status, string message)
    {
        using var response = await server.Client.PostAsync("/search", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_bodies_are_refused_with_413()
    {
        string body = "{\"vector\": {" + string.Join(",", Enumerable.Range(0, 8000).Select(i => $"\"tok{i}\": 1")) + "}}";
        using var response = await server.Client.PostAsync("/search", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 65536", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_tokens_are_counted_not_fatal()
    {
        using var response = await server.Client.PostAsJsonAsync("/search", new { vector = new Dictionary<string, double> { ["no-such-token"] = 1 }, k = 5 });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, json.RootElement.GetProperty("unknown_tokens").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("hits").GetArrayLength());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Requests_without_an_algorithm_get_the_fastest_exact_one_for_their_k(int k)
    {
        using var response = await server.Client.PostAsJsonAsync("/search", new { vector = new Dictionary<string, double> { ["t00001"] = 1 }, k });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(SearchAlgorithms.Fastest(hasRanges: true, k, server.Shards.TotalDocuments).Name, json.RootElement.GetProperty("algorithm").GetString());
        using var stats = JsonDocument.Parse(await server.Client.GetStringAsync("/stats"));
        Assert.Equal("auto", stats.RootElement.GetProperty("default_algorithm").GetString());
    }
}
