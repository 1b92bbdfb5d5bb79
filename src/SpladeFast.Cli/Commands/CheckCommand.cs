using System.CommandLine;
using SpladeFast.Index;

namespace SpladeFast.Cli.Commands;

internal static class CheckCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index("Index file to verify.");
        var command = new Command("check", "Verify an index: header, section table, structure (bmp data included) and every section's XxHash3 checksum.") { index };
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var opened = SparseIndex.Open(parse.GetRequiredValue(index).FullName, verifyChecksums: true);
            opened.Ranges?.Validate(opened.Path);
            foreach (var section in opened.Sections)
                Console.WriteLine($"{section.Kind,-14} offset {section.Offset,14:N0}  length {section.Length,14:N0}  xxh3 {section.Checksum:x16}  ok");
            Console.WriteLine($"{opened.Path}: ok ({opened.DocumentCount:N0} documents, {opened.TermCount:N0} terms, {opened.PostingCount:N0} postings)");
            return 0;
        }));
        return command;
    }
}
