using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SpladeFast.Server;

/// <summary>
/// The HTTP front: <c>POST /search</c>, <c>GET /health</c>, <c>GET /stats</c>, <c>POST /admin/reload</c>, and over a
/// live index <c>POST /documents</c> and <c>DELETE /documents/{id}</c>, JSON in and out, errors as
/// <c>{"error": "..."}</c> with a 4xx status (500 for a failed reload, 503 for a search that required complete
/// results while a cluster shard had no replica up). Listens on loopback unless
/// told otherwise.
/// </summary>
public static class SearchServer
{
    public static WebApplication Create(SearchService service, string url, SearchServiceOptions options, LogLevel logLevel = LogLevel.Warning)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SearchApiJson.Default));
        var app = builder.Build();

        app.MapGet("/health", () => Results.Json(new Dictionary<string, string> { ["status"] = "ok" }, SearchApiJson.Default.DictionaryStringString));
        app.MapGet("/stats", () => Results.Json(service.Stats(), SearchApiJson.Default.StatsResponse));
        app.MapPost("/admin/reload", () =>
        {
            try
            {
                return Results.Json(service.Reload(), SearchApiJson.Default.StatsResponse);
            }
            catch (ReloadException e)
            {
                return Error(e.Message, StatusCodes.Status500InternalServerError);
            }
        });
        app.MapPost("/documents", (HttpRequest request) => Answer(request, options, SearchApiJson.Default.AddDocumentsRequest,
            "send {\"documents\": [...]}", add => Results.Json(service.AddDocuments(add), SearchApiJson.Default.WriteResponse)));
        app.MapDelete("/documents/{id}", (string id) =>
        {
            try
            {
                return Results.Json(service.DeleteDocument(id), SearchApiJson.Default.WriteResponse);
            }
            catch (BadRequestException e)
            {
                return Error(e.Message, e.StatusCode);
            }
        });
        app.MapPost("/search", (HttpRequest request) => Answer(request, options, SearchApiJson.Default.SearchRequest,
            "send {\"vector\": {...}} or {\"text\": \"...\"}", search => Results.Json(service.Search(search), SearchApiJson.Default.SearchResponse)));
        return app;
    }

    /// <summary>The addresses the started server listens on (the real port when 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();

    /// <summary>Reads a JSON body of at most the allowed size and answers it; a bad request gets its 4xx and message.</summary>
    private static async Task<IResult> Answer<T>(HttpRequest request, SearchServiceOptions options, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        string expected, Func<T, IResult> answer)
    {
        try
        {
            if (request.ContentLength > options.MaxRequestBytes)
                throw new BadRequestException($"the body has {request.ContentLength} bytes; at most {options.MaxRequestBytes} are allowed", StatusCodes.Status413PayloadTooLarge);
            var body = await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted).ConfigureAwait(false)
                ?? throw new BadRequestException($"the body is JSON null; {expected}");
            return answer(body);
        }
        catch (BadRequestException e)
        {
            return Error(e.Message, e.StatusCode);
        }
        catch (IncompleteResultsException e)
        {
            return Error(e.Message, StatusCodes.Status503ServiceUnavailable);
        }
        catch (JsonException e)
        {
            return Error($"bad JSON body: {Ingest.JsonErrors.Reason(e)}", StatusCodes.Status400BadRequest);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            return Error(e.Message, e.StatusCode);
        }
    }

    private static IResult Error(string message, int status) => Results.Json(new ErrorResponse(message), SearchApiJson.Default.ErrorResponse, statusCode: status);
}
