using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Interop;

namespace SpladeFast.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index();
        var format = new Option<string>("--format")
        {
            Description = "pisa: binary collection, lexicons and weighted queries; anserini: JsonVectorCollection JSONL (weights = impact / scale).",
            DefaultValueFactory = _ => "pisa",
        }.AcceptOnlyFromAmong("pisa", "anserini");
        var output = new Option<string>("--output", "-o") { Description = "pisa: output prefix (PREFIX.docs/.freqs/.sizes/.terms/.documents, .queries); anserini: the JSONL file (.gz to compress).", Required = true };
        var queries = new Option<FileInfo?>("--queries", "-q") { Description = "Also write these queries in PISA's weighted format (term ids repeated by weight)." };
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("export", "Export an index to other engines' formats: PISA binary collection (with lexicons and weighted queries) or Anserini JSONL vectors.")
        {
            index, format, output, queries, skipBad,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var opened = SparseIndex.Open(parse.GetRequiredValue(index).FullName);
            if (parse.GetRequiredValue(format) == "anserini")
            {
                long documents = JsonVectorExport.Write(opened, parse.GetRequiredValue(output));
                Console.WriteLine($"wrote {documents:N0} documents to {parse.GetRequiredValue(output)}");
                return 0;
            }
            var querySet = parse.GetValue(queries) is { } q ? QueryReader.Read(q.FullName, opened.Vocabulary, parse.GetValue(skipBad)).Queries : null;
            string prefix = parse.GetRequiredValue(output);
            var report = ProgressDisplay.Run(progress => PisaExport.Write(opened, prefix, querySet, progress));
            Console.WriteLine($"wrote {prefix}.docs/.freqs/.sizes/.terms/.documents: {report.Terms:N0} non-empty terms, {report.Postings:N0} postings"
                + (querySet is null ? "" : $"; {prefix}.queries: {report.Queries:N0} queries"));
            return 0;
        }));
        return command;
    }
}
