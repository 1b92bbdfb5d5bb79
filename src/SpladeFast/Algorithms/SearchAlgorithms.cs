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
}
