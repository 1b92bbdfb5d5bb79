namespace SpladeFast.TopK;

/// <summary>A result: internal docid and integer score (sum of query weight x impact).</summary>
public readonly record struct SearchHit(uint DocId, long Score)
{
    /// <summary>The ranking order of every algorithm: higher score first, then the smaller docid.</summary>
    public static int Compare(SearchHit a, SearchHit b) =>
        a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.DocId.CompareTo(b.DocId);
}
