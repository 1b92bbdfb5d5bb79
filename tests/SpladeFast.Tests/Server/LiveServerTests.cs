using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SpladeFast.Live;
using SpladeFast.Server;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Server;

/// <summary>A server over a live index: POST /documents, DELETE /documents/{id}, search with fields, GET /stats.</summary>
public sealed class LiveServerTests
{
    [Fact]
    public async Task Documents_added_and_deleted_over_http_are_searchable_at_once_with_their_fields()
    {
        using var dir = new TempDirectory();
        string path = dir.File("live");
        LiveIndex.Create(path, new LiveSettings { FlushDocuments = 3, RangeSize = 8 });
        using var live = LiveIndex.Open(path);
        live.StartBackgroundWork(TimeSpan.FromMilliseconds(50));
        var options = new SearchServiceOptions();
        using var service = new SearchService(live, encoder: null, options);
        await using var app = SearchServer.Create(service, "http://127.0.0.1:0", options);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(SearchServer.Addresses(app)[0]) };

        var add = await client.PostAsync("/documents", Json("""
            {"documents": [
              {"id": "a", "title": "Alpha", "vector": {"cat": 1.0, "dog": 0.5}},
              {"id": "b", "title": "Beta", "vector": {"cat": 2.0}},
              {"id": "c", "title": "Gamma", "vector": {"dog": 3.0}},
              {"id": "d", "title": "Delta", "vector": {"cat": 0.1}}
            ]}
            """));
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        Assert.Contains("\"added\":4", await add.Content.ReadAsStringAsync());

        async Task<JsonElement> Search(string body)
        {
            var response = await client.PostAsync("/search", Json(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hits");
        }
        var hits = await Search("""{"vector": {"cat": 1}, "k": 10, "fields": ["title"]}""");
        Assert.Equal(["b", "a", "d"], hits.EnumerateArray().Select(h => h.GetProperty("id").GetString()!));
        Assert.Equal("Beta", hits[0].GetProperty("fields").GetProperty("title").GetString());
        Assert.False(hits[0].TryGetProperty("vector", out _));

        Assert.Contains("\"deleted\":1", await (await client.DeleteAsync("/documents/b")).Content.ReadAsStringAsync());
        var replaced = await client.PostAsync("/documents", Json("""{"documents": [{"id": "d", "title": "Delta 2", "vector": {"cat": 5.0}}]}"""));
        Assert.Contains("\"replaced\":1", await replaced.Content.ReadAsStringAsync());
        hits = await Search("""{"vector": {"cat": 1}, "k": 10, "fields": ["*"]}""");
        Assert.Equal(["d", "a"], hits.EnumerateArray().Select(h => h.GetProperty("id").GetString()!));
        Assert.Equal("Delta 2", hits[0].GetProperty("fields").GetProperty("title").GetString());

        var bad = await client.PostAsync("/documents", Json("""{"documents": [{"id": "e", "vector": {"cat": 1}}, {"id": "f"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("document 2", await bad.Content.ReadAsStringAsync());

        var stats = await client.GetFromJsonAsync<JsonElement>("/stats");
        var liveStats = stats.GetProperty("live");
        Assert.Equal(3, liveStats.GetProperty("live_documents").GetInt64());
        Assert.True(liveStats.GetProperty("generation").GetInt64() >= 1);
        Assert.True(liveStats.TryGetProperty("segments", out _) && liveStats.TryGetProperty("pending", out _) && liveStats.TryGetProperty("merging", out _));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
