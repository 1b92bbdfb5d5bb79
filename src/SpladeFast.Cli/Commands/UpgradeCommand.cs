using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Rewrite;

namespace SpladeFast.Cli.Commands;

internal static class UpgradeCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index($"Index file of format version {IndexLayout.OldestSupportedVersion} to {IndexLayout.Version}.");
        var output = new Option<FileInfo>("--output", "-o") { Description = "Upgraded index file to write (default: replace the index, atomically)." }.WritableFile();
        var command = new Command("upgrade",
            $"Rewrite an index file of an older format version as the current one (version {IndexLayout.Version}): sections it lacks (term thresholds, bmp data in the current layout) are computed, the others copied unchanged.")
        { index, output };
        command.SetAction(parse => CliAction.Run(() =>
        {
            string source = parse.GetRequiredValue(index).FullName;
            string target = parse.GetValue(output)?.FullName ?? source;
            if (target == source)
            {
                using var opened = SparseIndex.Open(source, verifyChecksums: false);
                if (opened.Header.Version == IndexLayout.Version)
                {
                    Console.WriteLine($"{source}: already format version {IndexLayout.Version}; nothing to do");
                    return 0;
                }
            }
            var result = ProgressDisplay.Run(progress => IndexUpgrader.Upgrade(source, target, progress));
            string added = result.Added.Count == 0 ? "" : $", added {string.Join(", ", result.Added)}";
            string dropped = result.Dropped.Count == 0 ? "" : $", dropped section kinds {string.Join(", ", result.Dropped)} (an earlier bmp layout)";
            Console.WriteLine($"{source}: format version {result.FromVersion} -> {IndexLayout.Version}{added}{dropped} -> {target} ({result.Bytes:N0} bytes)");
            return 0;
        }));
        return command;
    }
}
