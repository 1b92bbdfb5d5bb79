using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using SpladeFast.Cli.Output;
using SpladeFast.Index;
using SpladeFast.Live;

namespace SpladeFast.Cli.Commands;

internal static class StatsCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index("Index file, or a live index directory (its segments, buffer and generation, as 'live stats').");
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("stats", "Show an index's documents, terms, postings, bits per posting and posting-length histogram.") { index, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            if (LiveIndex.IsLiveIndex(parse.GetRequiredValue(index).FullName))
                return LiveCommand.PrintStats(parse.GetRequiredValue(index).FullName, parse.GetValue(json));
            using var opened = SparseIndex.Open(parse.GetRequiredValue(index).FullName);
            var stats = IndexStatistics.Compute(opened);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    metadata = opened.Metadata,
                    stats.Documents, stats.Terms, stats.NonEmptyTerms, stats.Postings, stats.Blocks,
                    stats.DocIdBitsPerPosting, stats.ImpactBitsPerPosting, stats.BitsPerPosting, stats.SkipBitsPerPosting,
                    stats.FileBytes, stats.MaxImpact, stats.PostingsPerDocument,
                    histogram = stats.LengthHistogram.Select(h => new { from = h.From, to = h.To, terms = h.Terms, postings = h.Postings }),
                }, CliJson.Indented));
                return 0;
            }
            var summary = new Table().AddColumn("property").AddColumn(new TableColumn("value").RightAligned());
            void Row(string name, string value) => summary.AddRow(Markup.Escape(name), Markup.Escape(value));
            Row("documents", $"{stats.Documents:N0}");
            Row("terms (non-empty)", $"{stats.Terms:N0} ({stats.NonEmptyTerms:N0})");
            Row("postings", $"{stats.Postings:N0}");
            Row("postings per document", $"{stats.PostingsPerDocument:F1}");
            Row("blocks of 128", $"{stats.Blocks:N0}");
            Row("bits per posting (docid gaps + impacts)", $"{stats.BitsPerPosting:F2} ({stats.DocIdBitsPerPosting:F2} + {stats.ImpactBitsPerPosting:F2})");
            Row("skip/block-max bits per posting", $"{stats.SkipBitsPerPosting:F2}");
            Row("file bytes", $"{stats.FileBytes:N0}");
            Row("max impact", $"{stats.MaxImpact}");
            Row("quantization", opened.Metadata.Quantization);
            Row("vocabulary", opened.Metadata.Vocabulary);
            foreach (var (key, value) in opened.Metadata.Properties)
                Row(key, value);
            AnsiConsole.Write(summary);
            var histogram = new Table().Title("posting-list lengths")
                .AddColumn(new TableColumn("length").RightAligned()).AddColumn(new TableColumn("terms").RightAligned()).AddColumn(new TableColumn("postings").RightAligned());
            foreach (var (from, to, terms, postings) in stats.LengthHistogram)
                histogram.AddRow($"{from:N0}-{to:N0}", $"{terms:N0}", $"{postings:N0}");
            AnsiConsole.Write(histogram);
            return 0;
        }));
        return command;
    }
}
