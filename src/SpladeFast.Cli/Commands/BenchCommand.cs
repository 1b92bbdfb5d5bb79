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
        var index = CommonOptions.Index();
        var queries = new Option<FileInfo>("--queries", "-q") { Description = "Queries (TSV or JSONL, as for query).", Required = true };
        var k = CommonOptions.K(10);
        var threads = CommonOptions.Threads();
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
            index, queries, k, threads, algorithms, report, skipBad,
        };
        foreach (var option in approximation.All)
            latency.Add(option);
        latency.SetAction(parse => CliAction.Run(() =>
        {
            using var opened = SparseIndex.Open(parse.GetRequiredValue(index).FullName, IndexStorageKind.InMemory);
            var querySet = QueryReader.Read(parse.GetRequiredValue(queries).FullName, opened.Vocabulary, parse.GetValue(skipBad));
            var (pruning, factor, approximate) = approximation.Read(parse);
            var chosen = parse.GetValue(algorithms) is { Length: > 0 } names ? names.Select(SearchAlgorithms.Get).ToList() : SearchAlgorithms.All.ToList();
            var comparison = AlgorithmComparison.Run(opened, querySet.Queries.Select(pruning.Apply).ToList(), chosen,
                parse.GetValue(k), parse.GetValue(threads), factor, ProgressDisplay.Run);
            string note = $"{opened.Path}: {opened.DocumentCount:N0} documents, {querySet.Queries.Count:N0} queries; results checked against {chosen[0].Name}: "
                + (comparison.Mismatches.Count == 0 ? "all identical" : "DIFFERENT") + (approximate is null ? "" : $"; {approximate}");
            Console.Write(LatencyReport.Render(comparison.Runs, parse.GetRequiredValue(report), note));
            foreach (var mismatch in comparison.Mismatches)
                Console.Error.WriteLine($"{(approximate is null ? "error" : "note")}: {mismatch}");
            return comparison.Mismatches.Count == 0 || approximate is not null ? 0 : CliAction.Failure;
        }));
        return new Command("bench", "Benchmarks over an index (BenchmarkDotNet suites live in bench/).") { latency };
    }
}
