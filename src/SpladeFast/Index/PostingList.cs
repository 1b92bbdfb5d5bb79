using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>A term's compressed postings and skip entries inside a mapped index.</summary>
public readonly unsafe struct PostingList
{
    public PostingList(byte* data, BlockSkip* skips, uint postingCount, uint maxImpact)
    {
        Data = data;
        Skips = skips;
        PostingCount = postingCount;
        MaxImpact = maxImpact;
    }

    public byte* Data { get; }
    public BlockSkip* Skips { get; }
    public uint PostingCount { get; }
    public uint MaxImpact { get; }
    public int BlockCount => (int)((PostingCount + Codecs.BitPacking.BlockSize - 1) / Codecs.BitPacking.BlockSize);
    public ReadOnlySpan<BlockSkip> SkipEntries => new(Skips, BlockCount);
}
