using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Ingest;
using SpladeFast.Synthetic;

namespace SpladeFast.Cli.Commands;

internal static class SynthCommand
{
    public static Command Create()
    {
        var docs = new Option<int>("--docs") { Description = "Number of documents.", DefaultValueFactory = _ => 100_000 }.AtLeast(1);
        var queries = new Option<int>("--queries") { Description = "Number of queries (each made from a target document, written to the qrels).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same files.", DefaultValueFactory = _ => 42 };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory for docs.jsonl, queries.tsv, qrels.txt and vocab.txt.", Required = true }.WritableDirectory();
        var vocab = new Option<FileInfo?>("--vocab") { Description = "Use the tokens of this vocab.txt (e.g. BERT's) instead of generated names." };
        var gzip = new Option<bool>("--gzip") { Description = "Write docs.jsonl.gz." };
        var command = new Command("synth", "Generate a deterministic SPLADE-like collection calibrated to MS MARCO statistics.") { docs, queries, seed, output, vocab, gzip };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var report = Generate(new SynthOptions
            {
                Documents = parse.GetValue(docs),
                Queries = parse.GetValue(queries),
                Seed = parse.GetValue(seed),
                Tokens = parse.GetValue(vocab) is { } v ? Vocabulary.Load(v.FullName).Tokens : null,
                Compress = parse.GetValue(gzip),
            }, parse.GetRequiredValue(output).FullName);
            Console.WriteLine($"wrote {report.Documents} ({report.Postings:N0} postings), {report.Queries} ({report.QueryTerms:N0} query terms), {report.Qrels}, {report.Vocabulary}");
            return 0;
        }));
        return command;
    }

    public static SynthReport Generate(SynthOptions options, string directory) =>
        ProgressDisplay.Run(progress => new SyntheticCollection(options with { Progress = progress }).Write(directory));
}
