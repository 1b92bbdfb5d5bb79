using System.Text.Json;
using ScottPlot;
using SpladeFast.Model.Training;

namespace SpladeFast.Cli.Training;

/// <summary>Curves of a training log (training_log.jsonl): losses, and sparsity (non-zeros per query and document).</summary>
internal static class TrainingReport
{
    public static IReadOnlyList<string> Plot(string outputDirectory, string title)
    {
        var steps = File.ReadLines(Path.Combine(outputDirectory, "training_log.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<TrainingStep>(l, TrainingConfig.JsonOptions)!)
            .ToList();
        if (steps.Count == 0)
            return [];
        double[] x = [.. steps.Select(s => (double)s.Step)];
        var written = new List<string>();
        written.AddRange(Save(outputDirectory, "loss", $"{title}: loss", "loss",
            ("total", [.. steps.Select(s => s.Loss)]), ("ranking / MLM", [.. steps.Select(s => s.MainLoss)])));
        written.AddRange(Save(outputDirectory, "sparsity", $"{title}: non-zero terms", "non-zeros per vector",
            ("documents", [.. steps.Select(s => s.DocumentNonZeros)]), ("queries", [.. steps.Select(s => s.QueryNonZeros)])));
        return written;

        IEnumerable<string> Save(string directory, string file, string plotTitle, string yLabel, params (string Name, double[] Values)[] series)
        {
            var plot = new Plot();
            foreach (var (name, values) in series.Where(s => s.Values.Any(v => v != 0)))
            {
                var line = plot.Add.Scatter(x, values);
                line.LegendText = name;
                line.MarkerSize = 0;
            }
            plot.Title(plotTitle);
            plot.XLabel("step");
            plot.YLabel(yLabel);
            plot.ShowLegend(Alignment.UpperRight);
            string png = Path.Combine(directory, file + ".png"), svg = Path.Combine(directory, file + ".svg");
            plot.SavePng(png, 900, 500);
            plot.SaveSvg(svg, 900, 500);
            return [png, svg];
        }
    }
}
