using System.CommandLine;
using SpladeFast.Build;
using SpladeFast.Cli.Output;
using SpladeFast.Format;
using SpladeFast.Transforms;

namespace SpladeFast.Cli.Commands;

internal static class IndexCommand
{
    public static Command Create()
    {
        var input = new Option<string[]>("--input", "-I")
        {
            Description = "Documents: Anserini JsonVectorCollection JSONL files ({\"id\", \"vector\": {token: weight}}), plain or .gz, or directories of them.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Index file to write.", Required = true }.WritableFile();
        var vocab = new Option<FileInfo?>("--vocab") { Description = "BERT vocab.txt fixing term ids (id = line number). Default: a vocabulary built from the documents." };
        var quantBits = new Option<int>("--quant-bits")
        {
            Description = "0: impact = round(w x --scale) as naver/splade's Anserini export; 8 or 16: PISA-style linear quantizer over the largest weight.",
            DefaultValueFactory = _ => 0,
        }.AcceptOnlyFromAmong("0", "8", "16");
        var scale = new Option<double>("--scale") { Description = "Weight multiplier of the default quantizer (use 1 for Anserini files whose weights are already integers).", DefaultValueFactory = _ => 100 };
        var skipBad = CommonOptions.SkipBad("Skip bad document records and report how many, instead of failing on the first (bytes that are not UTF-8 still fail).");
        var bmp = new Option<bool>("--bmp") { Description = "Also store a forward index and per-range term maxima for the bmp algorithm (block-at-a-time block-max pruning)." };
        var rangeSize = new Option<int>("--bmp-range") { Description = "Documents per range for --bmp.", DefaultValueFactory = _ => 64 };
        var reorder = new Option<string>("--reorder")
        {
            Description = "Renumber documents after building: 'bp' = recursive graph bisection (as PISA's reorder_docids --bp), so documents sharing terms sit together.",
            DefaultValueFactory = _ => "none",
        }.AcceptOnlyFromAmong("none", "bp");
        var bpIterations = new Option<int>("--bp-iterations") { Description = "Swap rounds per bisection for --reorder bp.", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var shard = new Option<string?>("--shard") { Description = "i/n: index only every n-th valid document starting at the i-th (0-based), one shard per machine; query or merge the shards together." };
        var pruning = CommonOptions.Pruning();
        var store = new Option<bool>("--store") { Description = "Keep each document's source fields (its line without the vector: id, title, text, ...) LZ4-compressed, for query --show text and the server's \"fields\"." };
        var command = new Command("index", "Build a compressed block-max index from sparse document vectors.")
        {
            input, output, vocab, quantBits, scale, skipBad, bmp, rangeSize, reorder, bpIterations, shard, store,
        };
        foreach (var option in pruning)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            var options = new IndexBuildOptions
            {
                Inputs = parse.GetRequiredValue(input),
                VocabularyPath = parse.GetValue(vocab)?.FullName,
                QuantBits = parse.GetValue(quantBits),
                Scale = parse.GetValue(scale),
                SkipBad = parse.GetValue(skipBad),
                RangeSize = parse.GetValue(bmp) ? parse.GetValue(rangeSize) : 0,
                Shard = parse.GetValue(shard) is { } text ? ShardSpec.Parse(text) : ShardSpec.Whole,
                Store = parse.GetValue(store),
            };
            if (options.RangeSize is < 0 or > IndexLayout.MaxRangeSize || (parse.GetValue(bmp) && options.RangeSize == 0))
                throw new ArgumentException($"--bmp-range must be between 1 and {IndexLayout.MaxRangeSize}.");
            var transforms = new IndexTransforms
            {
                Pruning = CommonOptions.ReadPruning(parse, pruning),
                Reorder = parse.GetValue(reorder) == "bp" ? new Reorder.BisectionOptions { Iterations = parse.GetValue(bpIterations) } : null,
            };
            var report = Build(options, transforms, parse.GetRequiredValue(output).FullName);
            Console.WriteLine($"indexed {report.Documents:N0} documents, {report.Terms:N0} terms, {report.Postings:N0} postings -> {parse.GetRequiredValue(output)} ({report.IndexBytes:N0} bytes) in {report.Elapsed.TotalSeconds:F1} s");
            if (report.SkippedRecords > 0)
                Console.WriteLine($"skipped {report.SkippedRecords:N0} bad records");
            if (report.DroppedWeights > 0)
                Console.WriteLine($"dropped {report.DroppedWeights:N0} weights that quantize to 0");
            return 0;
        }));
        return command;
    }

    public static IndexBuildReport Build(IndexBuildOptions options, IndexTransforms transforms, string output) =>
        ProgressDisplay.Run(progress => IndexPipeline.Build(options with { Progress = progress }, transforms, output));
}
