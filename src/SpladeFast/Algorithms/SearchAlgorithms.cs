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

    /// <summary>
    /// The fastest exact algorithm for indexes with or without bmp range data, as measured on learned sparse
    /// queries (docs/performance.md): bmp when there are ranges; otherwise the accumulator scan, since with
    /// SPLADE's long queries and flat impacts the document-at-a-time pruning algorithms score too much to win.
    /// </summary>
    public static ISearchAlgorithm Fastest(bool hasRanges) => Get(hasRanges ? "bmp" : "ranked_or_taat");

    /// <summary><see cref="Get"/>, with <see cref="Auto"/> resolved by <see cref="Fastest"/>.</summary>
    public static ISearchAlgorithm Resolve(string name, bool hasRanges) => name == Auto ? Fastest(hasRanges) : Get(name);
}
