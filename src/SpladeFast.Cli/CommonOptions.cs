using System.CommandLine;
using SpladeFast.Algorithms;
using SpladeFast.Cli.Output;
using SpladeFast.Cuda.Search;

namespace SpladeFast.Cli;

/// <summary>Options shared by several commands, defined once so names and help read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Index(string description = "Index file.") =>
        new("--index", "-i") { Description = description, Required = true };

    /// <summary>One index, or shards searched as one collection: a,b,c (or the option repeated).</summary>
    public static Option<string[]> Shards() =>
        new("--index", "-i")
        {
            Description = "Index file, or several shard indexes (a,b,c or repeated) searched as one collection with exact merged top-k.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };

    public static IReadOnlyList<string> ReadShards(ParseResult parse, Option<string[]> option) =>
        parse.GetRequiredValue(option).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    public static Option<bool> SkipBad(string description = "Skip bad query lines and unknown query tokens, and report how many, instead of failing on the first (bytes that are not UTF-8 still fail).") =>
        new("--skip-bad") { Description = description };

    public static Option<int> Threads() =>
        new Option<int>("--threads", "-t") { Description = "Threads answering queries in parallel (one query per thread).", DefaultValueFactory = _ => 1 }.AtLeast(1);

    public static Option<int> K(int defaultK = 1000) =>
        new Option<int>("--k", "-k") { Description = "Number of results per query.", DefaultValueFactory = _ => defaultK }.AtLeast(1);

    /// <param name="withGpu">Also offer gpu_exhaustive (batched exhaustive search on a CUDA device).</param>
    public static Option<string> Algorithm(bool withGpu = false) =>
        new Option<string>("--algorithm", "-a")
        {
            Description = $"Query algorithm: {SearchAlgorithms.Auto} (the fastest exact one for the index and k: bmp with --bmp data and k <= documents / {SearchAlgorithms.DocumentsPerBmpResult}, else ranked_or_taat), "
                + string.Join(", ", SearchAlgorithms.All.Select(a => $"{a.Name} ({a.Summary})"))
                + (withGpu ? $", {GpuExhaustiveSearch.AlgorithmName} (exhaustive, batches of --batch queries on --device cuda)" : "") + ".",
            DefaultValueFactory = _ => SearchAlgorithms.Auto,
            HelpName = "name",
        }.AcceptOnlyFromAmong([SearchAlgorithms.Auto, .. SearchAlgorithms.Names, .. withGpu ? new[] { GpuExhaustiveSearch.AlgorithmName } : []]);

    /// <summary>Seconds of warm-up before timing (0 for quick checks; timings then include the runtime's compiling).</summary>
    public static Option<double> Warmup() =>
        new Option<double>("--warmup")
        {
            Description = "Seconds to answer the first queries again before timing, so the runtime has compiled the hot code (0: no repeat).",
            DefaultValueFactory = _ => 1.0,
        }.AtLeastZero();

    public static Option<bool> InMemory() =>
        new("--in-memory") { Description = "Copy the index (or a live index's segments) into memory instead of memory-mapping it (no page faults while timing)." };

    public static Option<bool> NoVerify() =>
        new("--no-verify") { Description = "Skip verifying section checksums when opening (structure is still checked)." };

    public static ApproximationOptions Approximation() => new();

    public static Option<bool> NoInitialThreshold() =>
        new("--no-initial-threshold") { Description = "Do not start from the index's safe per-term k-th impact thresholds (results are exact either way; to measure what they save)." };

    /// <summary>One option per static pruning strategy (--doc-top K, --term-quantile Q, ...); at most one may be given.</summary>
    public static IReadOnlyList<Option<double?>> Pruning() =>
    [
        new Option<double?>("--doc-top") { Description = "Document-centric: keep each document's K heaviest terms." },
        new Option<double?>("--doc-mass") { Description = "Document-centric: keep each document's heaviest terms up to this fraction (0-1] of its weight." },
        new Option<double?>("--term-top") { Description = "Term-centric: keep each posting list's K highest-impact postings." },
        new Option<double?>("--term-quantile") { Description = "Term-centric: keep each list's postings at or above its Q-quantile impact, Q in [0, 1)." },
        new Option<double?>("--min-impact") { Description = "Agnostic: drop every posting whose impact is below T." },
        new Option<double?>("--max-df") { Description = "Drop terms whose lists hold more than N postings (stop-word-like)." },
    ];

    public static Prune.PruningSpec? ReadPruning(ParseResult parse, IReadOnlyList<Option<double?>> options)
    {
        var given = options.Where(o => parse.GetValue(o) is not null).ToList();
        if (given.Count > 1)
            throw new ArgumentException($"give one pruning strategy, not {string.Join(" and ", given.Select(o => o.Name))}");
        return given.Count == 0 ? null : Prune.PruningSpec.Parse(given[0].Name.TrimStart('-'), parse.GetValue(given[0])!.Value);
    }

    public static Option<string> Report() =>
        new Option<string>("--report") { Description = "Latency report format.", DefaultValueFactory = _ => "md" }.AcceptOnlyFromAmong("md", "json");
}

/// <summary>The options of a timed query run, shared by query and bench latency.</summary>
internal sealed class RunOptions(int defaultK)
{
    public Option<int> K { get; } = CommonOptions.K(defaultK);
    public Option<int> Threads { get; } = CommonOptions.Threads();
    public Option<double> Warmup { get; } = CommonOptions.Warmup();
    public Option<bool> NoInitialThreshold { get; } = CommonOptions.NoInitialThreshold();

    public IEnumerable<Option> All => [K, Threads, Warmup, NoInitialThreshold];

    public Execution.QueryRunOptions Read(ParseResult parse, ISearchAlgorithm algorithm, double thresholdFactor, IProgress<BuildProgress> progress) => new()
    {
        Algorithm = algorithm,
        K = parse.GetValue(K),
        Threads = parse.GetValue(Threads),
        ThresholdFactor = thresholdFactor,
        InitialThreshold = !parse.GetValue(NoInitialThreshold),
        WarmupTime = TimeSpan.FromSeconds(parse.GetValue(Warmup)),
        Progress = progress,
    };
}

/// <summary>The approximate knobs, all off by default and labelled APPROXIMATE wherever they show.</summary>
internal sealed class ApproximationOptions
{
    public Option<int> QueryTop { get; } = new("--query-top") { Description = "APPROXIMATE: keep only each query's N heaviest terms (0: all)." };

    public Option<double> QueryMass { get; } = new("--query-mass")
    {
        Description = "APPROXIMATE: keep each query's heaviest terms up to this fraction of its total weight (1: all).",
        DefaultValueFactory = _ => 1,
    };

    public Option<double> Overestimate { get; } = new("--overestimate")
    {
        Description = "APPROXIMATE: multiply the top-k threshold seen by the pruning algorithms by this factor (1: exact).",
        DefaultValueFactory = _ => 1,
    };

    public IEnumerable<Option> All => new Option[] { QueryTop, QueryMass, Overestimate }.Select(o => o.InGroup("Approximate search"));

    public (Ingest.QueryPruning Pruning, double ThresholdFactor, string? Label) Read(ParseResult parse)
    {
        var pruning = new Ingest.QueryPruning(parse.GetValue(QueryTop), parse.GetValue(QueryMass));
        double factor = parse.GetValue(Overestimate);
        if (factor < 1)
            throw new ArgumentException("--overestimate must be at least 1.");
        if (pruning.Mass is <= 0 or > 1)
            throw new ArgumentException("--query-mass must be in (0, 1].");
        string? label = pruning.IsExact && factor == 1 ? null
            : $"APPROXIMATE results: {pruning.Describe()}, threshold x {factor.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return (pruning, factor, label);
    }
}
