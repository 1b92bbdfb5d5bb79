using SpladeFast.Codecs;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>Compresses posting lists one after another into the Postings section, collecting skip entries.</summary>
public sealed class PostingListWriter(Stream postings)
{
    private readonly byte[] _block = new byte[PostingBlockCodec.MaxBlockBytes];
    private ulong _offset;

    /// <summary>The skip entries of every block written so far, in order: the Skips section.</summary>
    public List<BlockSkip> Skips { get; } = [];

    /// <summary>Appends one term's postings (docids strictly increasing) and returns its term entry.</summary>
    public TermEntry Add(ReadOnlySpan<uint> docIds, ReadOnlySpan<ushort> impacts, Span<uint> impactBuffer)
    {
        var entry = new TermEntry { PostingsOffset = _offset, PostingCount = (uint)docIds.Length, FirstBlock = (uint)Skips.Count };
        uint previousLast = uint.MaxValue;
        uint listOffset = 0;
        for (int start = 0; start < docIds.Length; start += BitPacking.BlockSize)
        {
            int count = Math.Min(BitPacking.BlockSize, docIds.Length - start);
            for (int i = 0; i < count; i++)
                impactBuffer[i] = impacts[start + i];
            var skip = PostingBlockCodec.Encode(docIds.Slice(start, count), impactBuffer[..count], previousLast, _block, out int written);
            skip.Offset = listOffset;
            postings.Write(_block, 0, written);
            Skips.Add(skip);
            listOffset = checked(listOffset + (uint)written);
            previousLast = skip.LastDocId;
            entry.MaxImpact = Math.Max(entry.MaxImpact, skip.MaxImpact);
        }
        _offset += listOffset;
        return entry;
    }

    /// <summary>Writes the zero padding that lets vector decoders read past the last block.</summary>
    public void Finish() => postings.Write(new byte[IndexLayout.PostingsPadding]);
}
