using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Shards;

namespace SpladeFast.Cli.Commands;

internal static class MergeCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Shards();
        index.Description = "Shard indexes to merge (a,b,c or repeated): round-robin shards from index --shard interleave, others follow in the order given.";
        var output = new Option<FileInfo>("--output", "-o") { Description = "Merged index file to write.", Required = true }.WritableFile();
        var rangeSize = new Option<int?>("--bmp-range") { Description = "Docs per bmp range in the merged index (0: none). Default: the shards' own, when they agree." };
        var command = new Command("merge", "Merge shard indexes into one index, in global document order, over the union vocabulary.") { index, output, rangeSize };
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var shards = ShardSet.Open(CommonOptions.ReadShards(parse, index));
            string path = parse.GetRequiredValue(output).FullName;
            long bytes = ProgressDisplay.Run(progress => ShardMerger.Write(shards, path, parse.GetValue(rangeSize), progress));
            Console.WriteLine($"merged {shards.Shards.Count} shards: {shards.TotalDocuments:N0} documents, {shards.Vocabulary.Count:N0} terms, {shards.PostingCount:N0} postings -> {path} ({bytes:N0} bytes)");
            return 0;
        }));
        return command;
    }
}
