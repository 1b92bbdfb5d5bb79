using System.Globalization;
using System.Text;
using ScottPlot;

namespace SpladeFast.Experiments;

/// <summary>Writes a sweep's results.csv, results.md and the quality/latency and quality/size plots.</summary>
public static class PruningReport
{
    public static void Write(string directory, PruningExperimentConfig config, IReadOnlyList<PruningPoint> points)
    {
        var columns = config.K.SelectMany(k => config.Algorithms.Select(a => (a, k))).ToList();
        var csv = new StringBuilder("strategy,value,postings,index_bytes,mrr_at_10,ndcg_at_10,recall_at_1000,"
            + string.Join(",", config.K.Select(k => $"overlap_at_{k}")) + ","
            + string.Join(",", columns.Select(c => $"{c.a}_k{c.k}_mean_ms,{c.a}_k{c.k}_p99_ms")) + "\n");
        var markdown = new StringBuilder($"# {config.Name}\n\n| strategy | value | postings | index MB | MRR@10 | nDCG@10 | R@1000 | "
            + string.Join(" | ", config.K.Select(k => $"overlap@{k}")) + " | "
            + string.Join(" | ", columns.Select(c => $"{c.a} k={c.k} mean / p99 ms")) + " |\n|"
            + string.Concat(Enumerable.Repeat("---|", 7 + config.K.Count + columns.Count)) + "\n");
        foreach (var p in points)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{p.Strategy},{p.Value},{p.Postings},{p.IndexBytes},{p.MrrAt10:F4},{p.NdcgAt10:F4},{p.RecallAt1000:F4},");
            csv.Append(string.Join(",", config.K.Select(k => p.Overlap[k].ToString("F4", CultureInfo.InvariantCulture)))).Append(',');
            csv.Append(string.Join(",", columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"{p.Latency[c].Mean:F4},{p.Latency[c].P99:F4}")))).Append('\n');
            markdown.Append(CultureInfo.InvariantCulture, $"| {p.Strategy} | {p.Value} | {p.Postings:N0} | {p.IndexBytes / 1e6:F1} | {Measure(p.MrrAt10)} | {Measure(p.NdcgAt10)} | {Measure(p.RecallAt1000)} | ");
            markdown.Append(string.Join(" | ", config.K.Select(k => p.Overlap[k].ToString("F3", CultureInfo.InvariantCulture)))).Append(" | ");
            markdown.Append(string.Join(" | ", columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"{p.Latency[c].Mean:F3} / {p.Latency[c].P99:F3}")))).Append(" |\n");
        }
        File.WriteAllText(Path.Combine(directory, "results.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(directory, "results.md"), markdown.ToString());

        // Quality is nDCG@10 when judgments exist, else the top-10 overlap with the unpruned index.
        bool judged = points.Any(p => p.NdcgAt10 is not null);
        string qualityName = judged ? "nDCG@10" : $"overlap@{config.K.Min()} with the unpruned index";
        double Quality(PruningPoint p) => judged ? p.NdcgAt10!.Value : p.Overlap[config.K.Min()];
        var latencyKey = (config.Algorithms[0], config.K.Min());
        Plot(directory, "quality-vs-latency", config.Name, points, p => p.Latency[latencyKey].Mean, Quality,
            $"mean latency, {latencyKey.Item1} k={latencyKey.Item2} (ms)", qualityName);
        Plot(directory, "quality-vs-size", config.Name, points, p => p.IndexBytes / 1e6, Quality, "index size (MB)", qualityName);
    }

    /// <summary>A quality measure for the table: "n/a" where no qrels apply (the CSV leaves the cell empty).</summary>
    private static string Measure(double? value) => value?.ToString("F4", CultureInfo.InvariantCulture) ?? "n/a";

    private static void Plot(string directory, string file, string title, IReadOnlyList<PruningPoint> points,
        Func<PruningPoint, double> x, Func<PruningPoint, double> y, string xLabel, string yLabel)
    {
        var plot = new Plot();
        var baseline = points.First(p => p.Strategy == "none");
        foreach (var group in points.Where(p => p.Strategy != "none").GroupBy(p => p.Strategy))
        {
            var curve = group.Append(baseline).OrderBy(x).ToList();
            var scatter = plot.Add.Scatter(curve.Select(x).ToArray(), curve.Select(y).ToArray());
            scatter.LegendText = group.Key;
            scatter.MarkerSize = 7;
        }
        var unpruned = plot.Add.Scatter(new[] { x(baseline) }, new[] { y(baseline) });
        unpruned.LegendText = "unpruned";
        unpruned.MarkerSize = 12;
        unpruned.LineWidth = 0;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(Path.Combine(directory, file + ".png"), 900, 600);
        plot.SaveSvg(Path.Combine(directory, file + ".svg"), 900, 600);
    }
}
