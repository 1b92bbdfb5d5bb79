using System.CommandLine;
using SpladeFast.Experiments;
using SpladeFast.Cli.Output;

namespace SpladeFast.Cli.Commands;

internal static class ExperimentCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "Experiment config (JSON); paths inside are relative to it.", Required = true };
        var baseIndex = new Option<FileInfo?>("--base-index") { Description = "Use this index as the unpruned base instead of building the config's collection (its queries and qrels still apply)." };
        var pruning = new Command("pruning", "Sweep static pruning strategies: index size, latency per algorithm and k, quality and top-k overlap; CSV, markdown and plots.") { config, baseIndex };
        pruning.SetAction(parse => CliAction.Run(() =>
        {
            var file = parse.GetRequiredValue(config);
            var loaded = PruningExperimentConfig.Load(file.FullName);
            var points = ProgressDisplay.Run(progress => new PruningExperiment(loaded, file.DirectoryName!, progress, parse.GetValue(baseIndex)?.FullName).Run());
            string output = Path.GetFullPath(Path.Combine(file.DirectoryName!, loaded.Output));
            Console.Write(File.ReadAllText(Path.Combine(output, "results.md")));
            Console.WriteLine($"\n{points.Count} points -> {output}/results.csv, results.md, quality-vs-latency.png/.svg, quality-vs-size.png/.svg");
            return 0;
        }));
        return new Command("experiment", "Efficiency/effectiveness experiments.") { pruning };
    }
}
