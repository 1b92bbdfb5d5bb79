using System.Collections.Concurrent;
using System.CommandLine;
using SpladeFast.Algorithms;
using SpladeFast.Cuda.Search;
using SpladeFast.Cli.Output;
using SpladeFast.Cluster.Gateway;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Run;
using SpladeFast.Shards;

namespace SpladeFast.Cli.Commands;

internal static class QueryCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Shards();
        index.Description += " Or a live index directory (live create).";
        index.Required = false;
        var cluster = ClusterCommand.ConfigOption("Answer from the shards of a cluster (silos started with 'cluster silo') instead of --index files; the config file as for the silos.");
        var queries = new Option<FileInfo?>("--queries", "-q")
        {
            Description = "Query vectors: Anserini pre-encoded TSV (qid<TAB>tok tok ..., repeats add 1) or JSONL {\"id\", \"vector\"} with float weights.",
        };
        var topics = new Option<FileInfo?>("--topics") { Description = "Text queries (qid<TAB>text or JSONL), encoded on the fly with --query-model or --query-encoder." };
        var queryEncoder = new QueryEncoderOptions();
        var runOptions = new RunOptions(defaultK: 1000);
        var k = runOptions.K;
        var algorithm = CommonOptions.Algorithm(withGpu: true);
        var run = new Option<FileInfo?>("--run", "-r") { Description = "Write a TREC run file (qid Q0 docid rank score tag)." }.WritableFile();
        var tag = new Option<string>("--tag") { Description = "Run tag of the TREC run file.", DefaultValueFactory = _ => "splade-fast" };
        var skipBad = CommonOptions.SkipBad();
        var report = CommonOptions.Report();
        var inMemory = CommonOptions.InMemory();
        var noVerify = CommonOptions.NoVerify();
        var approximation = CommonOptions.Approximation();
        var queryScale = new Option<double>("--query-scale") { Description = "Multiplier turning JSONL float query weights into integers.", DefaultValueFactory = _ => Quantize.QueryWeights.DefaultFloatScale };
        var show = new Option<string?>("--show") { Description = "text: print each query's top 10 hits with their stored fields (index --store, live indexes)." }.AcceptOnlyFromAmong("text");
        var command = new Command("query", "Answer queries with exact top-k retrieval and report per-query latency.")
        {
            index, cluster, queries, algorithm, run, tag, skipBad, report, inMemory, noVerify, queryScale, show,
        };
        foreach (var option in runOptions.All.Concat(approximation.All).Concat(queryEncoder.All).Append(topics.InGroup("Text query")))
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            // Checked before the queries run rather than when the run is written after them.
            if (Identifiers.Check(parse.GetRequiredValue(tag), "run tag") is { } badTag)
                throw new ArgumentException(badTag);
            if (parse.GetValue(cluster) is not null && parse.GetValue(show) is not null)
                throw new ArgumentException("--show text reads stored fields from index files or a live index, not through --cluster");
            using var connection = parse.GetValue(cluster) is { } config ? ClusterCommand.Connect(config) : null;
            var snapshot = connection?.Gateway.Current;
            using var opened = snapshot is not null ? null : parse.GetValue(index) is { Length: > 0 } ? SearchTarget.Open(CommonOptions.ReadShards(parse, index),
                parse.GetValue(inMemory) ? IndexStorageKind.InMemory : IndexStorageKind.MemoryMapped, !parse.GetValue(noVerify))
                : throw new ArgumentException("give --index FILES (or a live index directory) or --cluster CONFIG");
            var vocabulary = snapshot?.Vocabulary ?? opened!.Vocabulary;
            string? encodingNote = null;
            QuerySet querySet;
            if (parse.GetValue(topics) is { } topicFile)
            {
                var encoder = queryEncoder.Create(parse) ?? throw new ArgumentException("--topics needs --query-model DIR or --query-encoder idf:FILE|tokens");
                (querySet, encodingNote) = EncodeTopics(topicFile.FullName, encoder, vocabulary);
            }
            else
            {
                var queryFile = parse.GetValue(queries) ?? throw new ArgumentException("give --queries (vectors) or --topics (texts)");
                querySet = QueryReader.Read(queryFile.FullName, vocabulary, parse.GetValue(skipBad), parse.GetValue(queryScale));
            }
            if (querySet.SkippedQueries + querySet.SkippedTokens > 0)
                Console.Error.WriteLine($"skipped {querySet.SkippedQueries:N0} bad queries and {querySet.SkippedTokens:N0} unknown tokens");
            var (pruning, thresholdFactor, approximate) = approximation.Read(parse);
            var queryVectors = querySet.Queries.Select(pruning.Apply).ToList();
            string algorithmName = parse.GetRequiredValue(algorithm);
            QueryRunResult result;
            var partialQueries = new ConcurrentBag<string>();
            var clusterDocumentIds = new ClusterDocumentIds();
            if (snapshot is not null)
            {
                if (algorithmName == GpuExhaustiveSearch.AlgorithmName)
                    throw new ArgumentException($"{GpuExhaustiveSearch.AlgorithmName} runs on this machine's GPU; a cluster answers with the silos' CPU algorithms");
                var chosen = snapshot.Algorithm(algorithmName, parse.GetValue(k));
                if (algorithmName == SearchAlgorithms.Auto)
                    Console.Error.WriteLine($"algorithm: {chosen.Name} (auto, for the cluster's shards)");
                result = ProgressDisplay.Run(progress => QueryRunner.Run(() => snapshot.CreateSearcher(clusterDocumentIds, partialQueries), queryVectors,
                    runOptions.Read(parse, chosen, thresholdFactor, progress)));
            }
            else if (algorithmName == GpuExhaustiveSearch.AlgorithmName && opened!.Shards is null)
            {
                throw new ArgumentException($"{GpuExhaustiveSearch.AlgorithmName} searches index files, not live indexes");
            }
            else if (algorithmName == GpuExhaustiveSearch.AlgorithmName
                && GpuRun.TryCreate(opened!.Shards!, parse.GetValue(queryEncoder.Encoder.Batch), parse.GetRequiredValue(queryEncoder.Encoder.Device)) is { } gpu)
            {
                using (gpu)
                {
                    var exhaustive = opened.Algorithm("ranked_or", parse.GetValue(k));
                    result = ProgressDisplay.Run(progress => QueryRunner.Run(() => gpu, queryVectors, runOptions.Read(parse, exhaustive, thresholdFactor, progress)));
                }
            }
            else
            {
                var chosen = opened!.Algorithm(algorithmName == GpuExhaustiveSearch.AlgorithmName ? "ranked_or" : algorithmName, parse.GetValue(k));
                if (algorithmName == SearchAlgorithms.Auto)
                    Console.Error.WriteLine($"algorithm: {chosen.Name} (auto: {AutoReason(opened, chosen.Name == "bmp", parse.GetValue(k))})");
                result = ProgressDisplay.Run(progress => opened!.Run(queryVectors, runOptions.Read(parse, chosen, thresholdFactor, progress)));
            }
            if (parse.GetValue(run) is { } runFile)
            {
                TrecRun.Write(runFile.FullName, querySet.Queries, result.Hits, snapshot is null ? opened!.DocumentId : ordinal => clusterDocumentIds[ordinal],
                    (snapshot?.ImpactScale ?? opened!.ImpactScale) * querySet.WeightScale, parse.GetRequiredValue(tag));
                Console.Error.WriteLine($"wrote {result.Hits.Sum(h => h.Length):N0} run lines for {querySet.Queries.Count:N0} queries to {runFile.FullName}");
            }
            if (parse.GetValue(show) is "text")
                ShowText(opened!, querySet.Queries, result.Hits, opened!.ImpactScale * querySet.WeightScale);
            string? partial = partialQueries.IsEmpty ? null
                : $"PARTIAL: {partialQueries.Count:N0} queries lacked shards with no replica up: {string.Join("; ", partialQueries.Order(StringComparer.Ordinal).Take(5))}{(partialQueries.Count > 5 ? "; ..." : "")}";
            string? note = string.Join("; ", new[] { partial, encodingNote, approximate }.Where(n => n is not null));
            Console.Write(LatencyReport.Render([result], parse.GetRequiredValue(report), note.Length == 0 ? null : note));
            return 0;
        }));
        return command;
    }

    /// <summary>Each query's top 10 hits with their stored fields, one JSON object a line.</summary>
    private static void ShowText(SearchTarget target, IReadOnlyList<QueryVector> queries, TopK.SearchHit[][] hits, double scoreDivisor)
    {
        for (int q = 0; q < queries.Count; q++)
        {
            Console.WriteLine($"query {queries[q].Id}:");
            foreach (var hit in hits[q].Take(10))
            {
                byte[]? source = target.StoredSource(hit.DocId);
                string fields = source is null ? "(no stored fields: build with index --store)" : System.Text.Encoding.UTF8.GetString(source);
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  {target.DocumentId(hit.DocId)}  {hit.Score / scoreDivisor:F4}  {fields}"));
            }
        }
    }

    private static string AutoReason(SearchTarget target, bool bmp, int k) =>
        !target.HasRanges ? "the index has no bmp range data; 'index --bmp' adds it for bmp, the fastest at small k"
        : bmp ? $"bmp range data, and k = {k} is at most documents / {SearchAlgorithms.DocumentsPerBmpResult}"
        : $"k = {k} is above {target.DocumentsPerPart:N0} documents / {SearchAlgorithms.DocumentsPerBmpResult}, where the accumulator scan beats bmp";

    /// <summary>Encodes each text query on its own (as a live system would) and times it.</summary>
    private static (QuerySet Queries, string Note) EncodeTopics(string path, Encoders.ITextEncoder encoder, Vocabulary vocabulary)
    {
        using (encoder)
        {
            var texts = TextCorpus.Read(path).ToList();
            var vectors = new List<QueryVector>(texts.Count);
            var milliseconds = new double[texts.Count];
            for (int q = 0; q < texts.Count; q++)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                var encoded = encoder.Encode([texts[q].Text])[0];
                milliseconds[q] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                vectors.Add(Encoders.EncodedQueries.ToQuery(texts[q].Id, encoded, encoder.Tokenizer.Tokens, vocabulary));
            }
            var latency = LatencyStatistics.From(milliseconds, TimeSpan.FromMilliseconds(milliseconds.Sum()));
            string note = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"query encoding with {encoder.Name} (one query at a time): mean {latency.Mean:F3} ms, p50 {latency.P50:F3} ms, p99 {latency.P99:F3} ms; retrieval below");
            return (new QuerySet(vectors, Encoders.EncodedQueries.WeightScale, 0, 0), note);
        }
    }
}
