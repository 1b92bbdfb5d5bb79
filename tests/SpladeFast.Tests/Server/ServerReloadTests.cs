using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Server;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Server;

/// <summary>
/// A server over <c>served.sfi</c>, a copy of <c>first.sfi</c>; <c>second.sfi</c> holds other documents. Each test
/// gets its own server, since the tests replace the served file.
/// </summary>
public sealed class ServerReloadTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SearchServiceOptions _options = new() { MaxK = 100 };
    private SearchService _service = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private Dictionary<string, double> _vector = null!;

    private string Served => _dir.File("served.sfi");
    private string First => _dir.File("first.sfi");
    private string Second => _dir.File("second.sfi");

    public async Task InitializeAsync()
    {
        var first = SyntheticCollections.Get(2000, 5, 11);
        var second = SyntheticCollections.Get(1500, 5, 12);
        new IndexBuilder(new IndexBuildOptions { Inputs = [first.Documents], VocabularyPath = first.Vocabulary }).Build(First);
        new IndexBuilder(new IndexBuildOptions { Inputs = [second.Documents], VocabularyPath = second.Vocabulary }).Build(Second);
        using (var index = SparseIndex.Open(First))
        {
            // Counts read from the TSV are integer weights; the API takes float weights quantized x 100.
            var query = QueryReader.Read(first.Queries, index.Vocabulary).Queries[0];
            _vector = query.Terms.ToDictionary(t => index.Vocabulary[t.TermId], t => t.Weight / 100.0);
        }
        File.Copy(First, Served);
        _service = new SearchService([Served], encoder: null, _options);
        _app = SearchServer.Create(_service, "http://127.0.0.1:0", _options);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(SearchServer.Addresses(_app)[0]) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        _service?.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Stats_name_the_served_file()
    {
        using var stats = JsonDocument.Parse(await _client.GetStringAsync("/stats"));
        Assert.Equal(1, stats.RootElement.GetProperty("generation").GetInt64());
        var file = Assert.Single(stats.RootElement.GetProperty("files").EnumerateArray().ToList());
        Assert.Equal(Served, file.GetProperty("path").GetString());
        Assert.Equal(new FileInfo(Served).Length, file.GetProperty("bytes").GetInt64());
        Assert.Equal(File.GetLastWriteTimeUtc(Served), file.GetProperty("modified").GetDateTime());
        Assert.Equal(HeaderChecksum(First), file.GetProperty("header_checksum").GetString());
    }

    [Fact]
    public async Task A_file_renamed_over_the_served_one_is_served_after_a_reload()
    {
        var (firstHits, secondHits) = (Answer(First), Answer(Second));
        Assert.NotEqual(firstHits, secondHits);
        Assert.Equal(firstHits, await Search());

        ReplaceServed(Second);
        Assert.Equal(firstHits, await Search());
        Assert.Equal((1L, HeaderChecksum(First)), await Generation());

        using var response = await _client.PostAsync("/admin/reload", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reloaded = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1500, reloaded.RootElement.GetProperty("documents").GetInt64());
        Assert.Equal((2L, HeaderChecksum(Second)), await Generation());
        Assert.Equal(secondHits, await Search());
    }

    [Fact]
    public async Task A_damaged_file_fails_the_reload_and_the_old_one_stays_served()
    {
        byte[] bytes = File.ReadAllBytes(Second);
        File.WriteAllBytes(_dir.File("damaged.sfi"), bytes[..(bytes.Length / 2)]);
        ReplaceServed(_dir.File("damaged.sfi"));

        using var response = await _client.PostAsync("/admin/reload", null);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith($"reload failed, still serving generation 1: {Served}: corrupt or unreadable index:",
            json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal((1L, HeaderChecksum(First)), await Generation());
        Assert.Equal(Answer(First), await Search());
    }

    [Fact]
    public async Task Searches_running_through_reloads_all_succeed()
    {
        var answers = new[] { Answer(First), Answer(Second) };
        using var reloading = new CancellationTokenSource();
        var searchers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var seen = new List<List<string>>();
            while (!reloading.IsCancellationRequested || seen.Count < 20)
                seen.Add(await Search());
            return seen;
        })).ToList();
        for (int reload = 1; reload <= 12; reload++)
        {
            ReplaceServed(reload % 2 == 1 ? Second : First);
            using var response = await _client.PostAsync("/admin/reload", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await reloading.CancelAsync();
        foreach (var hits in (await Task.WhenAll(searchers)).SelectMany(s => s))
            Assert.Contains(answers, answer => answer.SequenceEqual(hits));
        Assert.Equal((13L, HeaderChecksum(First)), await Generation());
    }

    /// <summary>Replaces the served file as an index build does: a complete copy renamed over it.</summary>
    private void ReplaceServed(string source)
    {
        File.Copy(source, _dir.File("next.sfi"), overwrite: true);
        File.Move(_dir.File("next.sfi"), Served, overwrite: true);
    }

    private async Task<List<string>> Search()
    {
        using var response = await _client.PostAsJsonAsync("/search", new { vector = _vector, k = 10 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>What a service of its own over <paramref name="path"/> answers.</summary>
    private List<string> Answer(string path)
    {
        using var service = new SearchService([path], encoder: null, _options);
        return service.Search(new SearchRequest { Vector = _vector, K = 10 }).Hits.Select(h => h.Id).ToList();
    }

    private async Task<(long Generation, string? HeaderChecksum)> Generation()
    {
        using var stats = JsonDocument.Parse(await _client.GetStringAsync("/stats"));
        return (stats.RootElement.GetProperty("generation").GetInt64(),
            stats.RootElement.GetProperty("files")[0].GetProperty("header_checksum").GetString());
    }

    private static string HeaderChecksum(string path)
    {
        using var index = SparseIndex.Open(path);
        return index.Header.Checksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
