using System.Runtime.CompilerServices;
using SpladeFast.Codecs;
using SpladeFast.Format;
using SpladeFast.Index;

namespace SpladeFast.Cursors;

[InlineArray(BitPacking.BlockSize)]
internal struct Block128
{
    private uint _element;
}

/// <summary>
/// The cursor over compressed block-max postings: decodes one block of docids at a time, impacts only when a
/// score is asked for. A large struct (two 512-byte buffers): keep cursors in an array and use them by ref.
/// </summary>
public unsafe struct BlockPostingCursor : IBlockMaxCursor
{
    private byte* _data;
    private BlockSkip* _skips;
    private int _blockCount;
    private uint _postingCount;
    private long _weight;
    private long _maxScore;
    private int _block;
    private int _position;
    private int _blockLength;
    private int _shallow;
    private uint _docId;
    private bool _impactsDecoded;
    private long _postingsDecoded;
    private Block128 _docIds;
    private Block128 _impacts;

    /// <summary>Opens <paramref name="list"/> for a query term of weight <paramref name="weight"/>: on its first posting, or exhausted when empty.</summary>
    public void Reset(in PostingList list, uint weight)
    {
        _data = list.Data;
        _skips = list.Skips;
        _blockCount = list.BlockCount;
        _postingCount = list.PostingCount;
        _weight = weight;
        _maxScore = (long)weight * list.MaxImpact;
        _shallow = 0;
        _postingsDecoded = 0;
        if (_blockCount == 0)
        {
            // Nothing of a previous list may leak: Next on an empty list stays at End.
            _docId = PostingCursor.End;
            _block = _position = _blockLength = 0;
            return;
        }
        LoadBlock(0);
    }

    /// <inheritdoc/>
    public readonly uint DocId => _docId;
    /// <inheritdoc/>
    public readonly uint PostingCount => _postingCount;
    /// <inheritdoc/>
    public readonly long MaxScore => _maxScore;
    /// <summary>The query term's weight, which scales every impact.</summary>
    public readonly long Weight => _weight;

    /// <summary>Docids decoded so far (the work measure of the latency report).</summary>
    public readonly long PostingsDecoded => _postingsDecoded;

    /// <inheritdoc/>
    public long Score
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (!_impactsDecoded)
                DecodeImpacts();
            // _position < _blockLength <= 128 while not exhausted (and exhausted cursors are not scored).
            return _weight * Unsafe.Add(ref Unsafe.As<Block128, uint>(ref _impacts), _position);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next()
    {
        if (++_position < _blockLength)
        {
            _docId = Unsafe.Add(ref Unsafe.As<Block128, uint>(ref _docIds), _position);
            return;
        }
        if (_block + 1 < _blockCount)
            LoadBlock(_block + 1);
        else
            Exhaust();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The test against the current docid is inlined into the caller: most of MaxScore's probes of a
    /// non-essential list find the cursor already at or past the candidate, and then cost no call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void NextGeq(uint target)
    {
        if (target > _docId)
            MoveTo(target);
    }

    /// <summary><see cref="NextGeq"/> for a target past the current docid.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MoveTo(uint target)
    {
        if (target > _skips[_block].LastDocId)
        {
            int block = _block + 1;
            while (block < _blockCount && _skips[block].LastDocId < target)
                block++;
            if (block == _blockCount)
            {
                Exhaust();
                return;
            }
            LoadBlock(block);
        }
        // The block's last docid is >= target (LoadBlock checked it equals the skip entry's), so the scan stops
        // inside the block.
        ref uint docIds = ref Unsafe.As<Block128, uint>(ref _docIds);
        int position = _position;
        while (Unsafe.Add(ref docIds, position) < target)
            position++;
        _position = position;
        _docId = Unsafe.Add(ref docIds, position);
    }

    /// <inheritdoc/>
    public void ShallowNextGeq(uint target)
    {
        int block = Math.Max(_shallow, 0);
        while (block < _blockCount && _skips[block].LastDocId < target)
            block++;
        _shallow = block;
    }

    /// <inheritdoc/>
    public readonly long BlockMaxScore => _shallow < _blockCount ? _weight * _skips[_shallow].MaxImpact : 0;
    /// <inheritdoc/>
    public readonly uint BlockLastDocId => _shallow < _blockCount ? _skips[_shallow].LastDocId : PostingCursor.End;

    private void Exhaust()
    {
        _docId = PostingCursor.End;
        _position = _blockLength - 1;
    }

    private void LoadBlock(int block)
    {
        _block = block;
        _position = 0;
        _blockLength = block + 1 < _blockCount ? BitPacking.BlockSize : (int)(_postingCount - (uint)block * BitPacking.BlockSize);
        ref readonly var skip = ref _skips[block];
        uint previousLast = block == 0 ? uint.MaxValue : _skips[block - 1].LastDocId;
        PostingBlockCodec.DecodeDocIds(ref *(_data + skip.Offset), skip.DocBits, _blockLength, previousLast, _docIds);
        _impactsDecoded = false;
        _postingsDecoded += _blockLength;
        // Damaged postings (an index opened without checksum verification) must not let NextGeq's unchecked scan
        // run past the block: the decoded last docid has to be the skip entry's.
        if (_docIds[_blockLength - 1] != skip.LastDocId)
            ThrowHelper.ValueOutOfRange(nameof(block), "A decoded block does not end at its skip entry's last docid");
        _docId = _docIds[0];
        if (_shallow < block)
            _shallow = block;
    }

    private void DecodeImpacts()
    {
        ref readonly var skip = ref _skips[_block];
        PostingBlockCodec.DecodeImpacts(ref *(_data + skip.Offset), skip.DocBits, skip.ImpactBits, _blockLength, _impacts);
        _impactsDecoded = true;
    }
}
