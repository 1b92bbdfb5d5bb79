using System.CommandLine;
using SpladeFast.Cli.Commands;

namespace SpladeFast.Cli;

/// <summary>The command tree; Program.cs and the tests both enter here.</summary>
public static class SpladeFastCli
{
    public static RootCommand CreateRoot() =>
        new("splade-fast: learned-sparse (SPLADE) retrieval: compressed block-max indexes and exact top-k search.")
        {
            DemoCommand.Create(),
            SynthCommand.Create(),
            EncodeCommand.Create(),
            IndexCommand.Create(),
            QueryCommand.Create(),
            EvaluateCommand.Create(),
            CheckCommand.Create(),
            StatsCommand.Create(),
            BenchCommand.Create(),
            ExportCommand.Create(),
            MergeCommand.Create(),
            ImportCommand.Create(),
            ConvertCommand.Create(),
            ServeCommand.Create(),
            TrainCommand.Create(),
            PruneCommand.Create(),
            ExperimentCommand.Create(),
        };

    public static int Run(string[] args)
    {
        // Output is parsed by scripts: numbers always print the same way, whatever the machine's locale.
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        return CreateRoot().Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
