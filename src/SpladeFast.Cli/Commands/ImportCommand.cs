using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Interop.Ciff;

namespace SpladeFast.Cli.Commands;

internal static class ImportCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input", "-I") { Description = "A CIFF file (from Anserini, PISA's pisa2ciff, Terrier, or export --format ciff); tf is taken as the impact.", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Index file to write.", Required = true };
        var vocab = new Option<FileInfo?>("--vocab") { Description = "BERT vocab.txt fixing term ids. Default: the CIFF's terms in file order." };
        var scale = new Option<double>("--scale") { Description = "The impacts' scale (impact = weight x scale), so scores print in weight units.", DefaultValueFactory = _ => 100 };
        var bmp = new Option<bool>("--bmp") { Description = "Also store the forward index and range maxima of the bmp algorithm." };
        var rangeSize = new Option<int>("--bmp-range") { Description = "Documents per range for --bmp.", DefaultValueFactory = _ => 64 };
        var command = new Command("import", "Build an index from another engine's CIFF export (Common Index File Format).") { input, output, vocab, scale, bmp, rangeSize };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var report = ProgressDisplay.Run(progress => CiffImport.Import(parse.GetRequiredValue(input).FullName, parse.GetRequiredValue(output).FullName, new CiffImportOptions
            {
                Scale = parse.GetValue(scale),
                VocabularyPath = parse.GetValue(vocab)?.FullName,
                RangeSize = parse.GetValue(bmp) ? parse.GetValue(rangeSize) : 0,
                Progress = progress,
            }));
            Console.WriteLine($"imported {report.Documents:N0} documents, {report.Terms:N0} terms, {report.Postings:N0} postings -> {parse.GetRequiredValue(output)} ({report.IndexBytes:N0} bytes) in {report.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return command;
    }
}
