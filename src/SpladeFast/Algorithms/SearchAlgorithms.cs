namespace SpladeFast.Algorithms;

/// <summary>The algorithms by name, as the CLI, the benchmarks and the tests know them.</summary>
public static class SearchAlgorithms
{
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

    public static IEnumerable<string> Names => All.Select(a => a.Name);

    public static ISearchAlgorithm Get(string name) =>
        All.FirstOrDefault(a => a.Name == name)
        ?? throw new ArgumentException($"Unknown algorithm '{name}'. Known: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>The name that asks for <see cref="Fastest"/>: the default of query and serve.</summary>
    public const string Auto = "auto";

    /// <summary>The largest k for which <see cref="Fastest"/> picks bmp (measured, docs/performance.md).</summary>
    public const int BmpLargestK = 100;

    /// <summary>
    /// The fastest exact algorithm for a query of depth <paramref name="k"/>, as measured on learned sparse queries
    /// (docs/performance.md): bmp when the index has range data and k is at most <see cref="BmpLargestK"/>;
    /// otherwise the accumulator scan, since with SPLADE's long queries and flat impacts the document-at-a-time
    /// pruning algorithms score too much to win, and at deep k the low threshold leaves bmp most ranges to score.
    /// </summary>
    public static ISearchAlgorithm Fastest(bool hasRanges, int k) => Get(hasRanges && k <= BmpLargestK ? "bmp" : "ranked_or_taat");

    /// <summary><see cref="Get"/>, with <see cref="Auto"/> resolved by <see cref="Fastest"/>.</summary>
    public static ISearchAlgorithm Resolve(string name, bool hasRanges, int k) => name == Auto ? Fastest(hasRanges, k) : Get(name);
}
