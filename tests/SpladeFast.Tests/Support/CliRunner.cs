using Spectre.Console;
using SpladeFast.Cli;

namespace SpladeFast.Tests.Support;

[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>
/// Tests that run TorchSharp code run alone: TorchSharp passes implicit Scalars (in its optimizers too) that another
/// thread's collection can finalize during the native call reading them, which libtorch reports as a failed toFloat.
/// </summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public sealed class TorchCollection;

/// <summary>Runs the CLI in-process with stdout and stderr captured (tests using it share the "Console" collection).</summary>
public static class CliRunner
{
    /// <summary>The commands that warm up before timing (a second by default).</summary>
    private static readonly string[][] WarmingCommands = [["query"], ["demo"], ["bench", "latency"]];

    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        // Tests time nothing: they skip the warm-up unless they set it themselves.
        if (WarmingCommands.Any(c => args.Take(c.Length).SequenceEqual(c)) && !args.Contains("--warmup") && !args.Contains("--help"))
            args = [.. args, "--warmup", "0"];
        var (originalOut, originalError, originalAnsi) = (Console.Out, Console.Error, AnsiConsole.Console);
        var output = new StringWriter();
        var error = new StringWriter();
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Interactive = InteractionSupport.No,
                Ansi = AnsiSupport.No,
            });
            int code = SpladeFastCli.Run(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            AnsiConsole.Console = originalAnsi;
        }
    }
}
