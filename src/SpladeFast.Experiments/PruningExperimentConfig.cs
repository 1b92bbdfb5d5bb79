using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpladeFast.Experiments;

/// <summary>
/// A static-pruning sweep, read from JSON. Paths are relative to the config file. The base collection comes from
/// an existing index, JSONL vectors, a text corpus plus an encoder, or the synthetic generator.
/// </summary>
public sealed record PruningExperimentConfig
{
    public string Name { get; init; } = "pruning";
    public string? Index { get; init; }
    public string? Documents { get; init; }
    public CorpusSource? Corpus { get; init; }
    public SynthSource? Synth { get; init; }
    /// <summary>vocab.txt fixing term ids when the base index is built here.</summary>
    public string? Vocabulary { get; init; }
    public string? Queries { get; init; }
    public string? Topics { get; init; }
    /// <summary>Encoder of the topics: tokens, idf:FILE or a SPLADE model directory.</summary>
    public string? QueryEncoder { get; init; }
    public string? Qrels { get; init; }
    /// <summary>Number topics 1, 2, 3, ... in file order (Cranfield's qrels do so).</summary>
    public bool TopicIdsByPosition { get; init; }
    /// <summary>Grade to gain map for the qrels (JSON keys are the file's grades).</summary>
    public IReadOnlyDictionary<string, int>? QrelsGrades { get; init; }
    /// <summary>Every pair listed in the qrels is relevant (CISI.REL).</summary>
    public bool QrelsListedAreRelevant { get; init; }
    public int RelevanceLevel { get; init; } = 1;
    public int MaxQueries { get; init; }
    public IReadOnlyList<string> Algorithms { get; init; } = ["maxscore", "block_max_maxscore", "bmp"];
    public IReadOnlyList<int> K { get; init; } = [10, 1000];
    /// <summary>Seconds each latency run answers its first queries again before timing (query --warmup).</summary>
    public double WarmupSeconds { get; init; } = 1;
    public int RangeSize { get; init; } = 64;
    /// <summary>"bp": renumber the base index by recursive graph bisection when it is built here.</summary>
    public string? Reorder { get; init; }
    public IReadOnlyList<StrategySweep> Strategies { get; init; } = [];
    public string Output { get; init; } = "results";

    public sealed record CorpusSource(string Path, string Encoder);
    public sealed record SynthSource(int Documents, int Queries, int Seed = 42);
    public sealed record StrategySweep(string Strategy, IReadOnlyList<double> Values);

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static PruningExperimentConfig Load(string path)
    {
        var config = Ingest.JsonInput.Deserialize<PruningExperimentConfig>(path, Ingest.InputFiles.ReadAllText(path), Options, "an experiment config");
        int sources = new object?[] { config.Index, config.Documents, config.Corpus, config.Synth }.Count(s => s is not null);
        if (sources != 1)
            throw new Ingest.InputException(path, 0, "give exactly one of index, documents, corpus or synth");
        if (config.Synth is null && config.Queries is null && config.Topics is null)
            throw new Ingest.InputException(path, 0, "give queries (vectors) or topics (texts with queryEncoder)");
        if (config.Reorder is not (null or "bp" or "none"))
            throw new Ingest.InputException(path, 0, $"reorder must be bp or none, not '{config.Reorder}'");
        if (config.Strategies.Count == 0)
            throw new Ingest.InputException(path, 0, "no strategies to sweep");
        if (!(config.WarmupSeconds >= 0) || !double.IsFinite(config.WarmupSeconds))
            throw new Ingest.InputException(path, 0, $"warmupSeconds must be a number of at least 0, not {config.WarmupSeconds}");
        foreach (var sweep in config.Strategies)
        {
            foreach (double value in sweep.Values)
            {
                try
                {
                    Prune.PruningSpec.Parse(sweep.Strategy, value);
                }
                catch (ArgumentException ex)
                {
                    throw new Ingest.InputException(path, 0, ex.Message);
                }
            }
        }
        return config;
    }
}
