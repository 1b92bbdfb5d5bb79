using System.CommandLine;
using SpladeFast.Algorithms;
using SpladeFast.Cli.Output;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index("Index file, or a live index directory (live create).");
        var queries = new Option<FileInfo>("--queries", "-q") { Description = "Queries (TSV or JSONL, as for query).", Required = true };
        var runOptions = new RunOptions(defaultK: 10);
        var algorithms = new Option<string[]>("--algorithms")
        {
            Description = "Algorithms to compare (default: all); the first is the reference the others are checked against.",
            AllowMultipleArgumentsPerToken = true,
        };
        var report = CommonOptions.Report();
        var skipBad = CommonOptions.SkipBad();
        var approximation = CommonOptions.Approximation();
        var latency = new Command("latency", "Run every algorithm on the same queries, check each against the first, and print one side-by-side latency table.")
        {
            index, queries, algorithms, report, skipBad,
        };
        foreach (var option in runOptions.All.Concat(approximation.All))
            latency.Add(option);
        latency.SetAction(parse => CliAction.Run(() =>
        {
            string indexPath = parse.GetRequiredValue(index).FullName;
            // Loading and verifying a large index takes seconds before the first bar: say what is happening.
            Console.Error.WriteLine($"loading {indexPath} and verifying its checksums");
            using var opened = SearchTarget.Open([indexPath], IndexStorageKind.InMemory);
            var querySet = QueryReader.Read(parse.GetRequiredValue(queries).FullName, opened.Vocabulary, parse.GetValue(skipBad));
            var (pruning, factor, approximate) = approximation.Read(parse);
            var chosen = parse.GetValue(algorithms) is { Length: > 0 } names ? names.Select(SearchAlgorithms.Get).ToList() : SearchAlgorithms.All.ToList();
            // One display for every run, so that their bars line up.
            var comparison = ProgressDisplay.Run(progress => opened.Compare(querySet.Queries.Select(pruning.Apply).ToList(), chosen,
                runOptions.Read(parse, chosen[0], factor, progress)));
            string note = $"{opened.Describe()}: {opened.DocumentCount:N0} documents, {querySet.Queries.Count:N0} queries; results checked against {chosen[0].Name}: "
                + (comparison.Mismatches.Count == 0 ? "all identical" : "DIFFERENT") + (approximate is null ? "" : $"; {approximate}");
            Console.Write(LatencyReport.Render(comparison.Runs, parse.GetRequiredValue(report), note));
            foreach (var mismatch in comparison.Mismatches)
                Console.Error.WriteLine($"{(approximate is null ? "error" : "note")}: {mismatch}");
            return comparison.Mismatches.Count == 0 || approximate is not null ? 0 : CliAction.Failure;
        }));
        return new Command("bench", "Benchmarks over an index (BenchmarkDotNet suites live in bench/).") { latency, Gpu() };
    }

    /// <summary>bench gpu: queries/s of gpu_exhaustive by batch size, checked against the CPU; skipped without a GPU.</summary>
    private static Command Gpu()
    {
        var index = CommonOptions.Index();
        var queries = new Option<FileInfo>("--queries", "-q") { Description = "Queries (TSV or JSONL, as for query).", Required = true };
        var k = CommonOptions.K(10);
        var batches = new Option<int[]>("--batches") { Description = "Batch sizes to time.", DefaultValueFactory = _ => [1, 16, 64, 256], AllowMultipleArgumentsPerToken = true };
        var command = new Command("gpu", "Time gpu_exhaustive by batch size (queries/s) on CUDA device 0, each batch size checked against the CPU's ranked_or; says it is skipped without a GPU.")
        {
            index, queries, k, batches,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var opened = SparseIndex.Open(parse.GetRequiredValue(index).FullName);
            using var gpu = Cuda.Search.GpuExhaustiveSearch.TryCreateOnCuda(opened, out string reason);
            if (gpu is null)
            {
                Console.WriteLine($"bench gpu skipped: {reason}");
                return 0;
            }
            var querySet = QueryReader.Read(parse.GetRequiredValue(queries).FullName, opened.Vocabulary).Queries;
            var expected = QueryRunner.Run(opened, querySet, new QueryRunOptions { Algorithm = SearchAlgorithms.Get("ranked_or"), K = parse.GetValue(k) }).Hits;
            Console.WriteLine($"gpu_exhaustive on {gpu.Backend.Name}, {querySet.Count:N0} queries, k={parse.GetValue(k)}");
            Console.WriteLine("| batch | seconds | queries/s | same as ranked_or |\n|--:|--:|--:|---|");
            foreach (int batch in parse.GetRequiredValue(batches))
            {
                gpu.Search(querySet.Take(Math.Min(batch, querySet.Count)).ToList(), parse.GetValue(k), batch); // warm-up: first launch loads and JITs the module
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var hits = gpu.Search(querySet, parse.GetValue(k), batch);
                double seconds = clock.Elapsed.TotalSeconds;
                bool same = hits.Zip(expected).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));
                Console.WriteLine($"| {batch} | {seconds:F3} | {querySet.Count / seconds:F0} | {(same ? "yes" : "NO")} |");
            }
            return 0;
        }));
        return command;
    }
}
