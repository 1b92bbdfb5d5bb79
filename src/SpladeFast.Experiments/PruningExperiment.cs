using System.Globalization;
using System.Text;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Eval;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Prune;
using SpladeFast.Run;
using SpladeFast.Synthetic;
using SpladeFast.TopK;
using SpladeFast.Transforms;

namespace SpladeFast.Experiments;

/// <summary>One point of the sweep: a pruned index and what it costs and keeps (quality measures null without qrels).</summary>
public sealed record PruningPoint(
    string Strategy, double Value, long Postings, long IndexBytes, double? MrrAt10, double? NdcgAt10, double? RecallAt1000,
    IReadOnlyDictionary<int, double> Overlap, IReadOnlyDictionary<(string Algorithm, int K), LatencyStatistics> Latency);

/// <summary>
/// Runs a static-pruning sweep: for each strategy and value, prunes the base index and records size, latency per
/// algorithm and k (one thread), quality against the qrels and top-k overlap with the unpruned index; writes
/// results.csv, results.md and plots (PNG and SVG) of quality against latency and against index size.
/// </summary>
/// <param name="config">The sweep: source, strategies and values, algorithms, k values, qrels.</param>
/// <param name="configDirectory">The config file's directory, against which its relative paths resolve.</param>
/// <param name="progress">Receives each build, prune and query run's progress.</param>
/// <param name="baseIndex">An index built beforehand to use as the base instead of the config's source.</param>
public sealed class PruningExperiment(PruningExperimentConfig config, string configDirectory, IProgress<BuildProgress> progress, string? baseIndex = null)
{
    private string Resolve(string path) => Path.GetFullPath(Path.Combine(configDirectory, path));

    public IReadOnlyList<PruningPoint> Run()
    {
        string output = Resolve(config.Output);
        Directory.CreateDirectory(output);
        string scratch = Path.Combine(output, $"scratch-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        try
        {
            var (basePath, queriesPath, qrelsPath) = PrepareBase(scratch);
            // Memory-mapped: opening verifies every checksum, which also brings the pages into memory before timing.
            using var baseIndex = SparseIndex.Open(basePath);
            var queries = LoadQueries(baseIndex, queriesPath);
            var grades = config.QrelsGrades?.ToDictionary(g => int.Parse(g.Key, CultureInfo.InvariantCulture), g => g.Value);
            var qrels = qrelsPath is null ? null : Qrels.Load(qrelsPath, grades, config.QrelsListedAreRelevant);
            // A first pass only warms up (JIT tiering, caches), so the unpruned point is timed like the others.
            Measure(baseIndex, queries, qrels, null, "warm-up", 0);
            var baseline = Measure(baseIndex, queries, qrels, null, "none", 0);
            var points = new List<PruningPoint> { baseline.Point };
            foreach (var sweep in config.Strategies)
            {
                foreach (double value in sweep.Values)
                {
                    var spec = PruningSpec.Parse(sweep.Strategy, value);
                    string prunedPath = Path.Combine(scratch, "pruned.sfi");
                    StaticPruning.Write(baseIndex, prunedPath, spec);
                    using (var pruned = SparseIndex.Open(prunedPath))
                        points.Add(Measure(pruned, queries, qrels, baseline.Hits, sweep.Strategy, value).Point);
                    File.Delete(prunedPath);
                }
            }
            PruningReport.Write(output, config, points);
            return points;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private (string Index, string? Queries, string? Qrels) PrepareBase(string scratch)
    {
        if ((baseIndex ?? config.Index) is { } index)
            return (baseIndex ?? Resolve(index), config.Queries is null ? null : Resolve(config.Queries), config.Qrels is null ? null : Resolve(config.Qrels));
        string documents, basePath = Path.Combine(scratch, "base.sfi");
        string? vocabulary = config.Vocabulary is null ? null : Resolve(config.Vocabulary);
        string? queries = config.Queries is null ? null : Resolve(config.Queries), qrels = config.Qrels is null ? null : Resolve(config.Qrels);
        if (config.Synth is { } synth)
        {
            var collection = new SyntheticCollection(new SynthOptions
            {
                Documents = synth.Documents, Queries = synth.Queries, Seed = synth.Seed, Progress = progress,
                Tokens = vocabulary is null ? null : Vocabulary.Load(vocabulary).Tokens, // real tokens, so real queries match
            }).Write(scratch);
            // Given queries (e.g. real SPLADE++ vectors) replace the synthetic ones, and then the synthetic qrels do not apply.
            (documents, vocabulary) = (collection.Documents, collection.Vocabulary);
            (queries, qrels) = queries is null ? (collection.Queries, qrels ?? collection.Qrels) : (queries, qrels);
        }
        else if (config.Corpus is { } corpus)
        {
            documents = Path.Combine(scratch, "documents.jsonl");
            EncodeCorpus(Resolve(corpus.Path), corpus.Encoder, documents);
        }
        else
        {
            documents = Resolve(config.Documents!);
        }
        IndexPipeline.Build(
            new IndexBuildOptions { Inputs = [documents], VocabularyPath = vocabulary, RangeSize = config.RangeSize, Progress = progress },
            new IndexTransforms { Reorder = config.Reorder == "bp" ? new Reorder.BisectionOptions() : null }, basePath);
        return (basePath, queries, qrels);
    }

    private TextEncoderSettings Settings(int maxLength) => new()
    {
        VocabularyPath = config.Vocabulary is null ? null : Resolve(config.Vocabulary),
        Encode = new EncodeOptions { MaxLength = maxLength },
    };

    private ITextEncoder CreateEncoder(string spec, int maxLength) =>
        TextEncoderFactory.Create(spec.StartsWith("idf:", StringComparison.Ordinal) ? $"idf:{Resolve(spec[4..])}"
            : spec is "bm25" or "tokens" ? spec : Resolve(spec), Settings(maxLength));

    private void EncodeCorpus(string corpusPath, string encoderSpec, string documents)
    {
        using var encoder = CreateEncoder(encoderSpec, maxLength: 256);
        if (encoder is Bm25DocumentEncoder bm25)
            bm25.Fit(TextCorpus.Read(corpusPath).Select(t => t.Text));
        using var writer = new JsonVectorWriter(documents);
        TextEncoderFactory.EncodeTo(encoder, TextCorpus.Read(corpusPath), writer);
        writer.Commit();
    }

    private List<QueryVector> LoadQueries(SparseIndex index, string? queriesPath)
    {
        List<QueryVector> queries;
        if (config.Topics is { } topics)
        {
            var texts = TextCorpus.Read(Resolve(topics), config.TopicIdsByPosition).ToList();
            using var encoder = CreateEncoder(config.QueryEncoder ?? throw new ArgumentException("topics need a queryEncoder"), maxLength: 32);
            var vectors = encoder.Encode(texts.Select(t => t.Text).ToList());
            queries = texts.Select((t, q) => EncodedQueries.ToQuery(t.Id, vectors[q], encoder.Tokenizer.Tokens, index.Vocabulary)).ToList();
        }
        else
        {
            queries = QueryReader.Read(queriesPath ?? throw new ArgumentException("no queries"), index.Vocabulary, skipBad: true).Queries.ToList();
        }
        return config.MaxQueries > 0 ? queries.Take(config.MaxQueries).ToList() : queries;
    }

    private (PruningPoint Point, Dictionary<int, SearchHit[][]> Hits) Measure(SparseIndex index, List<QueryVector> queries, Qrels? qrels,
        Dictionary<int, SearchHit[][]>? baseline, string strategy, double value)
    {
        var latency = new Dictionary<(string, int), LatencyStatistics>();
        var hits = new Dictionary<int, SearchHit[][]>();
        foreach (int k in config.K)
        {
            foreach (var name in config.Algorithms)
            {
                var run = QueryRunner.Run(index, queries, new QueryRunOptions { Algorithm = SearchAlgorithms.Get(name), K = k, WarmupTime = TimeSpan.FromSeconds(config.WarmupSeconds) });
                latency[(name, k)] = run.Latency;
                hits[k] = run.Hits;
                progress.Report(new BuildProgress($"{strategy} {value.ToString(CultureInfo.InvariantCulture)}: {name} k={k}", 1, 1, "runs"));
            }
        }
        int deepest = config.K.Max();
        double? mrr = null, ndcg = null, recall = null; // no qrels: quality is the overlap alone
        if (qrels is not null)
        {
            var run = new Dictionary<string, List<RunEntry>>(StringComparer.Ordinal);
            for (int q = 0; q < queries.Count; q++)
                run[queries[q].Id] = hits[deepest][q].Select((h, r) => new RunEntry(queries[q].Id, index.DocumentId(h.DocId), r + 1, h.Score)).ToList();
            var evaluation = TrecEvaluator.Evaluate(run, qrels, "experiment", config.RelevanceLevel);
            (mrr, ndcg, recall) = (evaluation.Mean["mrr@10"], evaluation.Mean["ndcg_cut_10"], evaluation.Mean["recall_1000"]);
        }
        var overlap = config.K.ToDictionary(k => k, k => baseline is null ? 1.0 : Enumerable.Range(0, queries.Count).Average(q =>
        {
            var reference = baseline[k][q].Select(h => h.DocId).ToHashSet();
            return reference.Count == 0 ? 1.0 : (double)hits[k][q].Count(h => reference.Contains(h.DocId)) / reference.Count;
        }));
        return (new PruningPoint(strategy, value, index.PostingCount, index.FileLength, mrr, ndcg, recall, overlap, latency), hits);
    }
}
