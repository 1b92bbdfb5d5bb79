using System.CommandLine;
using SpladeFast.Cli.Commands;

var root = new RootCommand("splade-fast: learned-sparse (SPLADE) retrieval: compressed block-max indexes and exact top-k search.")
{
    DemoCommand.Create(),
    SynthCommand.Create(),
    IndexCommand.Create(),
    QueryCommand.Create(),
    EvaluateCommand.Create(),
    CheckCommand.Create(),
    StatsCommand.Create(),
};
return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
