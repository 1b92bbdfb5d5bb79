namespace SpladeFast.Algorithms;

/// <summary>
/// A top-k query algorithm. It reads the cursors opened in <see cref="SearchContext.Cursors"/> and fills
/// <see cref="SearchContext.TopK"/>. Exact algorithms must return exactly the hits of <see cref="RankedOr"/>:
/// the same docids and scores, ties broken by the smaller docid.
/// </summary>
public interface ISearchAlgorithm
{
    string Name { get; }
    string Summary { get; }

    /// <summary>False for algorithms that never read posting cursors, so none are opened (nor blocks decoded).</summary>
    bool UsesCursors => true;
    void Search(SearchContext context);
}
