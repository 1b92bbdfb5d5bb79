using System.Globalization;
using System.Text;
using System.Text.Json;
using SpladeFast.Execution;

namespace SpladeFast.Cli.Output;

/// <summary>
/// The latency report of query runs, as a markdown table or JSON; both give postings decoded and documents scored
/// per timed query (means), the warm-up excluded.
/// </summary>
internal static class LatencyReport
{
    public static string Render(IReadOnlyList<QueryRunResult> runs, string format, string? note = null) =>
        format == "json" ? Json(runs, note) : Markdown(runs, note);

    private static string Markdown(IReadOnlyList<QueryRunResult> runs, string? note)
    {
        var text = new StringBuilder();
        if (note is not null)
            text.Append(note).Append("\n\n");
        text.Append("| algorithm | k | threads | queries | mean ms | p50 ms | p90 ms | p99 ms | max ms | QPS | postings/query | docs scored/query |\n");
        text.Append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        foreach (var run in runs)
        {
            var l = run.Latency;
            text.Append(CultureInfo.InvariantCulture,
                $"| {run.Algorithm} | {run.K} | {run.Threads} | {l.Queries} | {l.Mean:F3} | {l.P50:F3} | {l.P90:F3} | {l.P99:F3} | {l.Max:F3} | {l.QueriesPerSecond:F0} | {run.PostingsPerQuery:F0} | {run.DocumentsScoredPerQuery:F0} |\n");
        }
        return text.ToString();
    }

    private static string Json(IReadOnlyList<QueryRunResult> runs, string? note) =>
        JsonSerializer.Serialize(new
        {
            note,
            runs = runs.Select(run => new
            {
                algorithm = run.Algorithm,
                k = run.K,
                threads = run.Threads,
                latency_ms = run.Latency,
                postings_decoded_per_query = run.PostingsPerQuery,
                documents_scored_per_query = run.DocumentsScoredPerQuery,
                per_query_ms = run.LatencyMilliseconds,
            }),
        }, CliJson.Indented);
}
