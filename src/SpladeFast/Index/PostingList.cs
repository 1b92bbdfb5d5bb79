using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>A term's compressed postings and skip entries inside a mapped index.</summary>
public readonly unsafe struct PostingList
{
    /// <summary>A list over mapped memory that outlives it.</summary>
    /// <param name="data">The term's first block in the Postings section.</param>
    /// <param name="skips">Its first <see cref="BlockSkip"/>.</param>
    /// <param name="postingCount">Its postings.</param>
    /// <param name="maxImpact">Its largest impact.</param>
    public PostingList(byte* data, BlockSkip* skips, uint postingCount, uint maxImpact)
    {
        Data = data;
        Skips = skips;
        PostingCount = postingCount;
        MaxImpact = maxImpact;
    }

    /// <summary>The first block's bytes; block b starts at Data + Skips[b].Offset.</summary>
    public byte* Data { get; }
    /// <summary>The list's skip entries, one per block.</summary>
    public BlockSkip* Skips { get; }
    /// <summary>Postings in the list (its document frequency).</summary>
    public uint PostingCount { get; }
    /// <summary>The list's largest impact.</summary>
    public uint MaxImpact { get; }
    /// <summary>Blocks of 128 postings: ceil(PostingCount / 128).</summary>
    public int BlockCount => (int)((PostingCount + Codecs.BitPacking.BlockSize - 1) / Codecs.BitPacking.BlockSize);
    /// <summary>The skip entries as a span.</summary>
    public ReadOnlySpan<BlockSkip> SkipEntries => new(Skips, BlockCount);
}
