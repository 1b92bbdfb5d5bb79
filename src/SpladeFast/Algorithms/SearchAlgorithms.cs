namespace SpladeFast.Algorithms;

/// <summary>The algorithms by name, as the CLI, the benchmarks and the tests know them.</summary>
public static class SearchAlgorithms
{
    /// <summary>Every algorithm, the exhaustive reference (ranked_or) first.</summary>
    public static IReadOnlyList<ISearchAlgorithm> All { get; } =
    [
        new RankedOr(),
        new RankedOrTaat(),
        new MaxScore(),
        new Wand(),
        new BlockMaxWand(),
        new BlockMaxMaxScore(),
        new BlockMaxPruning(),
    ];

    /// <summary>Their names, in the order of <see cref="All"/>.</summary>
    public static IEnumerable<string> Names => All.Select(a => a.Name);

    /// <summary>The algorithm called <paramref name="name"/> (ordinal, case-sensitive).</summary>
    /// <exception cref="ArgumentException">No algorithm has that name; the message lists the known ones.</exception>
    public static ISearchAlgorithm Get(string name) =>
        All.FirstOrDefault(a => a.Name == name)
        ?? throw new ArgumentException($"Unknown algorithm '{name}'. Known: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>The name that asks for <see cref="Fastest"/>: the default of query and serve.</summary>
    public const string Auto = "auto";

    /// <summary>
    /// <see cref="Fastest"/> picks bmp while k is at most the documents searched per shard divided by this: the
    /// crossover with the accumulator scan measured between k = 10 and 100 at 100k documents and between k = 100
    /// and 300 at 1M (docs/performance.md, "Choosing the algorithm").
    /// </summary>
    public const int DocumentsPerBmpResult = 5000;

    /// <summary>
    /// The fastest exact algorithm for a query of depth <paramref name="k"/> over shards of about
    /// <paramref name="documents"/> documents, as measured on learned sparse queries: bmp when the index has range
    /// data and k is small next to the collection; otherwise the accumulator scan. With SPLADE's long queries and
    /// flat impacts the document-at-a-time pruning algorithms score too much to win, and at a deep k the low
    /// threshold leaves bmp most ranges to score.
    /// </summary>
    public static ISearchAlgorithm Fastest(bool hasRanges, int k, long documents) =>
        Get(hasRanges && (long)k * DocumentsPerBmpResult <= documents ? "bmp" : "ranked_or_taat");

    /// <summary><see cref="Get"/>, with <see cref="Auto"/> resolved by <see cref="Fastest"/>.</summary>
    public static ISearchAlgorithm Resolve(string name, bool hasRanges, int k, long documents) =>
        name == Auto ? Fastest(hasRanges, k, documents) : Get(name);
}
