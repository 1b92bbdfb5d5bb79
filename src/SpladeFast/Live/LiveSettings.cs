namespace SpladeFast.Live;

/// <summary>
/// How a live index quantizes, builds its segments and merges them; fixed when the index is created and kept in
/// every commit point, so that every segment's scores compare.
/// </summary>
public sealed record LiveSettings
{
    /// <summary>Impact = round(weight x Scale) (the fixed-scale quantizer): every segment must quantize alike.</summary>
    public double Scale { get; init; } = 100;

    /// <summary>Docs per bmp range in each segment (0: no bmp data).</summary>
    public int RangeSize { get; init; } = 64;

    /// <summary>The memory buffer becomes a segment once it holds this many documents.</summary>
    public int FlushDocuments { get; init; } = 10_000;

    /// <summary>Segments of about one size the tiered merge policy allows before it merges them (Lucene's segmentsPerTier).</summary>
    public int SegmentsPerTier { get; init; } = 8;

    /// <summary>The most segments one merge joins (Lucene's maxMergeAtOnce).</summary>
    public int MaxMergeAtOnce { get; init; } = 8;

    /// <summary>A segment with more than this share of its documents deleted is merged to purge them.</summary>
    public double MaxDeletedShare { get; init; } = 0.2;

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (!(Scale > 0) || !double.IsFinite(Scale))
            throw new ArgumentException($"scale {Scale} must be a positive number");
        if (RangeSize is < 0 or > Format.IndexLayout.MaxRangeSize)
            throw new ArgumentException($"the bmp range size {RangeSize} must be between 0 and {Format.IndexLayout.MaxRangeSize}");
        if (FlushDocuments < 1)
            throw new ArgumentException("the flush size must be at least one document");
        if (SegmentsPerTier < 2 || MaxMergeAtOnce < 2)
            throw new ArgumentException("segments per tier and segments per merge must be at least 2");
        if (MaxDeletedShare is <= 0 or > 1)
            throw new ArgumentException("the deleted share that triggers a merge must be in (0, 1]");
    }
}
