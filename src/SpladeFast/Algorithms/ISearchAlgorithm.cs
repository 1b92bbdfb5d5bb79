namespace SpladeFast.Algorithms;

/// <summary>
/// A top-k query algorithm. It reads the cursors opened in <see cref="SearchContext.Cursors"/> and fills
/// <see cref="SearchContext.TopK"/>. Exact algorithms must return exactly the hits of <see cref="RankedOr"/>:
/// the same docids and scores, ties broken by the smaller docid.
/// </summary>
public interface ISearchAlgorithm
{
    /// <summary>The name the CLI, the server and the benchmarks select it by (e.g. "maxscore").</summary>
    string Name { get; }
    /// <summary>One line for help and tables: what it does and whether it is exact.</summary>
    string Summary { get; }

    /// <summary>False for algorithms that never read posting cursors, so none are opened (nor blocks decoded).</summary>
    bool UsesCursors => true;
    /// <summary>Answers the context's current query: fills <see cref="SearchContext.TopK"/> and adds to its counters.</summary>
    void Search(SearchContext context);
}
