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
/// The HTTP front: <c>POST /search</c>, <c>GET /health</c>, <c>GET /stats</c>, <c>POST /admin/reload</c>, JSON in
/// and out, errors as <c>{"error": "..."}</c> with a 4xx status (500 for a failed reload, 503 for a search that
/// required complete results while a shard had no replica up). Listens on loopback unless
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
        app.MapPost("/search", async (HttpRequest request) =>
        {
            try
            {
                if (request.ContentLength > options.MaxRequestBytes)
                    throw new BadRequestException($"the body has {request.ContentLength} bytes; at most {options.MaxRequestBytes} are allowed", StatusCodes.Status413PayloadTooLarge);
                var search = await JsonSerializer.DeserializeAsync(request.Body, SearchApiJson.Default.SearchRequest, request.HttpContext.RequestAborted).ConfigureAwait(false)
                    ?? throw new BadRequestException("the body is JSON null; send {\"vector\": {...}} or {\"text\": \"...\"}");
                return Results.Json(service.Search(search), SearchApiJson.Default.SearchResponse);
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
        });
        return app;
    }

    /// <summary>The addresses the started server listens on (the real port when 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();

    private static IResult Error(string message, int status) => Results.Json(new ErrorResponse(message), SearchApiJson.Default.ErrorResponse, statusCode: status);
}
