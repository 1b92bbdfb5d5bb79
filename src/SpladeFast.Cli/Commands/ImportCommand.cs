using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Interop;
using SpladeFast.Interop.Ciff;

namespace SpladeFast.Cli.Commands;

internal static class ImportCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input", "-I") { Description = "ciff: the .ciff file (from Anserini, PISA's pisa2ciff, Terrier, or export --format ciff); pisa: the binary collection's prefix (PREFIX.docs, .freqs, optional .terms and .documents lexicons). Frequencies are taken as impacts.", Required = true };
        var format = new Option<string>("--format") { Description = "ciff or pisa.", DefaultValueFactory = _ => "ciff" }.AcceptOnlyFromAmong("ciff", "pisa");
        var output = new Option<FileInfo>("--output", "-o") { Description = "Index file to write.", Required = true }.WritableFile();
        var vocab = new Option<FileInfo?>("--vocab") { Description = "BERT vocab.txt fixing term ids. Default: the input's terms in file order." };
        var scale = new Option<double>("--scale") { Description = "The impacts' scale (impact = weight x scale), so scores print in weight units.", DefaultValueFactory = _ => 100 };
        var bmp = new Option<bool>("--bmp") { Description = "Also store the forward index and range maxima of the bmp algorithm." };
        var rangeSize = new Option<int>("--bmp-range") { Description = "Documents per range for --bmp.", DefaultValueFactory = _ => 64 };
        var command = new Command("import", "Build an index from another engine's postings: CIFF (Common Index File Format) or a PISA binary collection.") { input, format, output, vocab, scale, bmp, rangeSize };
        command.SetAction(parse => CliAction.Run(() =>
        {
            string source = Path.GetFullPath(parse.GetRequiredValue(input)), target = parse.GetRequiredValue(output).FullName;
            var report = ProgressDisplay.Run(progress =>
            {
                var options = new ListImportOptions
                {
                    Scale = parse.GetValue(scale),
                    VocabularyPath = parse.GetValue(vocab)?.FullName,
                    RangeSize = parse.GetValue(bmp) ? parse.GetValue(rangeSize) : 0,
                    Progress = progress,
                };
                return parse.GetRequiredValue(format) == "pisa" ? PisaImport.Import(source, target, options) : CiffImport.Import(source, target, options);
            });
            Console.WriteLine($"imported {report.Documents:N0} documents, {report.Terms:N0} terms, {report.Postings:N0} postings -> {parse.GetRequiredValue(output)} ({report.IndexBytes:N0} bytes) in {report.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return command;
    }
}
