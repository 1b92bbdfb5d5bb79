using System.CommandLine;
using System.CommandLine.Invocation;
using SpladeFast.Cli.Commands;

namespace SpladeFast.Cli;

/// <summary>The command tree; Program.cs and the tests both enter here.</summary>
public static class SpladeFastCli
{
    /// <summary>The CLI links both SPLADE backends; the server host (SpladeFast.Server.Host) only ONNX Runtime.</summary>
    static SpladeFastCli()
    {
        Model.Encoding.TorchBackend.Register();
        Onnx.OnnxBackend.Register();
    }

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("splade-fast: learned-sparse (SPLADE) retrieval: compressed block-max indexes and exact top-k search.")
        {
            DemoCommand.Create(),
            SynthCommand.Create(),
            EncodeCommand.Create(),
            IndexCommand.Create(),
            QueryCommand.Create(),
            EvaluateCommand.Create(),
            CheckCommand.Create(),
            UpgradeCommand.Create(),
            StatsCommand.Create(),
            BenchCommand.Create(),
            ExportCommand.Create(),
            MergeCommand.Create(),
            LiveCommand.Create(),
            ImportCommand.Create(),
            ConvertCommand.Create(),
            ServeCommand.Create(),
            ClusterCommand.Create(),
            TrainCommand.Create(),
            PruneCommand.Create(),
            ExperimentCommand.Create(),
        };
        OptionRules.ParseNumbersReadably(root);
        return root;
    }

    public static int Run(string[] args)
    {
        // Output is parsed by scripts: numbers always print the same way, whatever the machine's locale.
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        var parse = CreateRoot().Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // Errors as every other error reads, then where help is: 40 lines of help after them would scroll them away.
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine($"run '{CommandPath(parse.CommandResult.Command)} --help' for the options");
            return CliAction.Failure;
        }
        if (parse.Action is System.CommandLine.Help.HelpAction)
        {
            var help = new StringWriter();
            int helped = parse.Invoke(new InvocationConfiguration { Output = help });
            Console.Out.Write(Output.GroupedHelp.Regroup(help.ToString(), parse.CommandResult.Command));
            return helped;
        }
        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c.Name);
        return string.Join(' ', names.Prepend("splade-fast"));
    }
}
