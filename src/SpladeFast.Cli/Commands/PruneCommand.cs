using System.CommandLine;
using SpladeFast.Build;
using SpladeFast.Cli.Output;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Interop.Vectors;
using SpladeFast.Interop;
using SpladeFast.Prune;
using SpladeFast.Transforms;

namespace SpladeFast.Cli.Commands;

internal static class PruneCommand
{
    public static Command Create()
    {
        var index = new Option<FileInfo?>("--index", "-i") { Description = "Index to prune (writes a pruned index to --output)." };
        var input = new Option<FileInfo?>("--input", "-I") { Description = "JSONL vectors to prune instead (writes JSONL to --output; weights come back quantized as the index would store them)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Pruned index, or pruned JSONL with --input.", Required = true }.WritableFile();
        var pruning = CommonOptions.Pruning();
        var command = new Command("prune", "Static pruning: drop postings by a document-centric, term-centric or agnostic rule; the result records how it was pruned.")
        {
            index, input, output,
        };
        foreach (var option in pruning)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            var spec = CommonOptions.ReadPruning(parse, pruning) ?? throw new ArgumentException("give a pruning strategy (--doc-top, --doc-mass, --term-top, --term-quantile, --min-impact or --max-df)");
            string target = parse.GetRequiredValue(output).FullName;
            if (parse.GetValue(input) is { } vectors)
            {
                string temporary = TemporaryFiles.For(target, "index");
                try
                {
                    ProgressDisplay.Run(progress => IndexPipeline.Build(new IndexBuildOptions { Inputs = [vectors.FullName], Progress = progress }, new IndexTransforms { Pruning = spec }, temporary));
                    using var pruned = SparseIndex.Open(temporary);
                    long written = JsonVectorFile.Write(target, IndexVectors.Read(pruned));
                    Console.WriteLine($"pruned {vectors.Name} with {spec}: {pruned.PostingCount:N0} postings kept in {written:N0} documents -> {target}");
                }
                finally
                {
                    File.Delete(temporary);
                }
                return 0;
            }
            var source = parse.GetValue(index) ?? throw new ArgumentException("give --index or --input");
            using var opened = SparseIndex.Open(source.FullName);
            var report = ProgressDisplay.Run(progress => StaticPruning.Write(opened, target, spec, progress));
            Console.WriteLine($"pruned {source.Name} with {spec}: {report.PostingsAfter:N0} of {report.PostingsBefore:N0} postings kept ({100.0 * report.PostingsAfter / Math.Max(1, report.PostingsBefore):F1}%), {report.IndexBytes:N0} bytes -> {target}");
            return 0;
        }));
        return command;
    }
}
