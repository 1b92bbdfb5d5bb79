using System.CommandLine;
using SpladeFast.Index;
using SpladeFast.Live;

namespace SpladeFast.Cli.Commands;

internal static class CheckCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index("Index file, or live index directory, to verify.");
        var command = new Command("check", "Verify an index: header, section table, structure (bmp data included) and every section's XxHash3 checksum; for a live index, its commit point, every segment, deletes and log.") { index };
        command.SetAction(parse => CliAction.Run(() =>
        {
            if (LiveIndex.IsLiveIndex(parse.GetRequiredValue(index).FullName))
                return CheckLive(parse.GetRequiredValue(index).FullName);
            using var opened = SparseIndex.Open(parse.GetRequiredValue(index).FullName, verifyChecksums: true);
            opened.Ranges?.Validate(opened.Path);
            foreach (var section in opened.Sections)
                Console.WriteLine($"{section.Kind,-14} offset {section.Offset,14:N0}  length {section.Length,14:N0}  xxh3 {section.Checksum:x16}  ok");
            Console.WriteLine($"{opened.Path}: ok ({opened.DocumentCount:N0} documents, {opened.TermCount:N0} terms, {opened.PostingCount:N0} postings)");
            if (opened.Header.Version < Format.IndexLayout.Version)
                Console.WriteLine($"format version {opened.Header.Version}, still read; 'splade-fast upgrade --index {opened.Path}' rewrites it as version {Format.IndexLayout.Version}");
            return 0;
        }));
        return command;
    }

    /// <summary>Opening reads the newest commit point, verifies every segment and deletes file, and replays the log.</summary>
    private static int CheckLive(string directory)
    {
        using var live = LiveIndex.Open(directory, readOnly: true);
        using var lease = live.Acquire();
        var snapshot = lease.Snapshot;
        foreach (var view in snapshot.Segments)
        {
            view.Segment.Index.Ranges?.Validate(view.Segment.Index.Path);
            Console.WriteLine($"{view.Segment.Name,-16} {view.Segment.DocumentCount,12:N0} documents  {view.Deleted.Count,10:N0} deleted  ok");
        }
        Console.WriteLine($"{"log",-16} {snapshot.BufferCount,12:N0} documents  {snapshot.BufferDeleted.Count,10:N0} deleted  ok");
        Console.WriteLine($"{live.Directory}: ok (generation {snapshot.Generation}, {snapshot.Segments.Count} segments, {snapshot.DocumentCount:N0} live documents)");
        return 0;
    }
}
