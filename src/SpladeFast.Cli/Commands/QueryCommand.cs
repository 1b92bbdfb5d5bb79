using System.CommandLine;
using SpladeFast.Algorithms;
using SpladeFast.Cli.Output;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Run;

namespace SpladeFast.Cli.Commands;

internal static class QueryCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index();
        var queries = new Option<FileInfo>("--queries", "-q")
        {
            Description = "Queries: Anserini pre-encoded TSV (qid<TAB>tok tok ..., repeats add 1) or JSONL {\"id\", \"vector\"} with float weights.",
            Required = true,
        };
        var k = CommonOptions.K();
        var threads = CommonOptions.Threads();
        var algorithm = CommonOptions.Algorithm();
        var run = new Option<FileInfo?>("--run", "-r") { Description = "Write a TREC run file (qid Q0 docid rank score tag)." };
        var tag = new Option<string>("--tag") { Description = "Run tag of the TREC run file.", DefaultValueFactory = _ => "splade-fast" };
        var skipBad = CommonOptions.SkipBad();
        var report = CommonOptions.Report();
        var inMemory = CommonOptions.InMemory();
        var noVerify = CommonOptions.NoVerify();
        var approximation = CommonOptions.Approximation();
        var queryScale = new Option<double>("--query-scale") { Description = "Multiplier turning JSONL float query weights into integers.", DefaultValueFactory = _ => Quantize.QueryWeights.DefaultFloatScale };
        var command = new Command("query", "Answer queries with exact top-k retrieval and report per-query latency.")
        {
            index, queries, k, threads, algorithm, run, tag, skipBad, report, inMemory, noVerify, queryScale,
        };
        foreach (var option in approximation.All)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var opened = SparseIndex.Open(parse.GetRequiredValue(index).FullName,
                parse.GetValue(inMemory) ? IndexStorageKind.InMemory : IndexStorageKind.MemoryMapped, !parse.GetValue(noVerify));
            var querySet = QueryReader.Read(parse.GetRequiredValue(queries).FullName, opened.Vocabulary, parse.GetValue(skipBad), parse.GetValue(queryScale));
            if (querySet.SkippedQueries + querySet.SkippedTokens > 0)
                Console.Error.WriteLine($"skipped {querySet.SkippedQueries:N0} bad queries and {querySet.SkippedTokens:N0} unknown tokens");
            var (pruning, thresholdFactor, approximate) = approximation.Read(parse);
            var queryVectors = querySet.Queries.Select(pruning.Apply).ToList();
            var result = ProgressDisplay.Run(progress => QueryRunner.Run(opened, queryVectors, new QueryRunOptions
            {
                Algorithm = SearchAlgorithms.Get(parse.GetRequiredValue(algorithm)),
                K = parse.GetValue(k),
                Threads = parse.GetValue(threads),
                ThresholdFactor = thresholdFactor,
                Progress = progress,
            }));
            if (parse.GetValue(run) is { } runFile)
            {
                TrecRun.Write(runFile.FullName, querySet.Queries, result.Hits, opened.DocumentId,
                    opened.ImpactScale * querySet.WeightScale, parse.GetRequiredValue(tag));
            }
            Console.Write(LatencyReport.Render([result], parse.GetRequiredValue(report), approximate));
            return 0;
        }));
        return command;
    }
}
