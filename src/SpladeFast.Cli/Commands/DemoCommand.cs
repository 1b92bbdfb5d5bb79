using System.CommandLine;
using System.Globalization;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Cli.Output;
using SpladeFast.Eval;
using SpladeFast.Format;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Run;
using SpladeFast.Synthetic;
using SpladeFast.Transforms;

namespace SpladeFast.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var docs = new Option<int>("--docs") { Description = "Documents of the synthetic collection.", DefaultValueFactory = _ => 100_000 }.AtLeast(1);
        var queries = new Option<int>("--queries") { Description = "Queries.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var k = CommonOptions.K(10);
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Keep the collection, index and runs in this directory (default: a temporary one, removed)." }.WritableDirectory();
        var report = CommonOptions.Report();
        var warmup = CommonOptions.Warmup();
        var command = new Command("demo", "Generate a synthetic SPLADE-like collection, index it, answer its queries with every algorithm at one thread, check each against the exhaustive top-k and print a latency table.")
        {
            docs, queries, seed, k, output, report, warmup,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            int Demo(string directory) => Run(directory, parse.GetValue(docs), parse.GetValue(queries), parse.GetValue(seed), parse.GetValue(k),
                parse.GetRequiredValue(report), TimeSpan.FromSeconds(parse.GetValue(warmup)));
            if (parse.GetValue(output) is { } kept)
                return Demo(kept.FullName);
            // A temporary folder named for this process: removed at the end, on Ctrl-C, or (after a kill) by the next demo.
            string scratchDirectory = TemporaryFiles.Claim(Path.Combine(Path.GetTempPath(), "splade-fast-demo"));
            void Remove()
            {
                if (Directory.Exists(scratchDirectory))
                    Directory.Delete(scratchDirectory, recursive: true);
            }
            ConsoleCancelEventHandler removeOnCancel = (_, _) => Remove();
            Console.CancelKeyPress += removeOnCancel;
            try
            {
                return Demo(scratchDirectory);
            }
            finally
            {
                Console.CancelKeyPress -= removeOnCancel;
                Remove();
            }
        }));
        return command;
    }

    private static int Run(string directory, int documents, int queryCount, int seed, int k, string format, TimeSpan warmup)
    {
        Console.Error.WriteLine($"generating {documents:N0} documents and {queryCount:N0} queries (seed {seed}) in {directory}");
        var collection = SynthCommand.Generate(new SynthOptions { Documents = documents, Queries = queryCount, Seed = seed }, directory);
        string indexPath = Path.Combine(directory, "index.sfi");
        var build = IndexCommand.Build(new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary, RangeSize = 64 }, IndexTransforms.None, indexPath);
        Console.Error.WriteLine($"indexed {build.Documents:N0} documents, {build.Postings:N0} postings, {build.IndexBytes:N0} bytes in {build.Elapsed.TotalSeconds:F1} s");

        using var index = SparseIndex.Open(indexPath, IndexStorageKind.InMemory);
        var querySet = QueryReader.Read(collection.Queries, index.Vocabulary);
        var (runs, mismatches) = ProgressDisplay.Run(progress => AlgorithmComparison.Run(index, querySet.Queries, SearchAlgorithms.All,
            new QueryRunOptions { Algorithm = SearchAlgorithms.All[0], K = k, Threads = 1, WarmupTime = warmup, Progress = progress }));
        var reference = runs[0];

        string runPath = Path.Combine(directory, "run.trec");
        TrecRun.Write(runPath, querySet.Queries, reference.Hits, index.DocumentId, index.ImpactScale * querySet.WeightScale, "demo");
        var evaluation = TrecEvaluator.Evaluate(TrecRun.Read(runPath), Qrels.Load(collection.Qrels), runPath);
        string note = string.Create(CultureInfo.InvariantCulture,
            $"{documents:N0} synthetic documents, {queryCount:N0} queries, k={k}, one thread; every algorithm checked against the exhaustive top-k: {(mismatches.Count == 0 ? "all exact" : "MISMATCH")}; MRR@10 of the target documents: {evaluation.Mean["mrr@10"]:F4}");
        Console.Write(LatencyReport.Render(runs, format, note));
        foreach (var mismatch in mismatches)
            Console.Error.WriteLine($"error: {mismatch}");
        return mismatches.Count == 0 ? 0 : CliAction.Failure;
    }
}
