using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>
/// The optional data of block-at-a-time pruning: a forward index (each document's terms and impacts) and,
/// per term, the maximum impact in every docid range where the term occurs. Offsets are validated when the
/// index opens; term ids in entries are bounds-checked where they are used.
/// </summary>
public sealed unsafe class BlockMaxRanges
{
    private readonly ulong* _documentOffsets;
    private readonly ForwardEntry* _entries;
    private readonly ulong* _termOffsets;
    private readonly RangeMax* _ranges;

    internal BlockMaxRanges(string path, byte* forward, ulong forwardLength, byte* ranges, ulong rangesLength, ulong documents, ulong terms)
    {
        if (forwardLength < 8 + (documents + 1) * 8 || rangesLength < 16 + (terms + 1) * 8)
            ThrowHelper.Corrupt(path, "forward or range-maxima section is truncated");
        ulong entries = *(ulong*)forward;
        _documentOffsets = (ulong*)(forward + 8);
        _entries = (ForwardEntry*)(forward + 8 + (documents + 1) * 8);
        if (entries > (forwardLength - 8 - (documents + 1) * 8) / (ulong)sizeof(ForwardEntry))
            ThrowHelper.Corrupt(path, "forward section is truncated");
        CheckOffsets(path, "forward", _documentOffsets, documents, entries);

        uint rangeSize = *(uint*)ranges, rangeCount = *(uint*)(ranges + 4);
        if (rangeSize is 0 or > 1 << 20 || rangeCount > int.MaxValue || *(ulong*)(ranges + 8) != terms || (ulong)rangeCount * rangeSize < documents)
            ThrowHelper.Corrupt(path, "range-maxima section header does not match the index");
        RangeSize = (int)rangeSize;
        RangeCount = (int)rangeCount;
        _termOffsets = (ulong*)(ranges + 16);
        _ranges = (RangeMax*)(ranges + 16 + (terms + 1) * 8);
        ulong rangeEntries = (rangesLength - 16 - (terms + 1) * 8) / (ulong)sizeof(RangeMax);
        CheckOffsets(path, "range-maxima", _termOffsets, terms, rangeEntries);
        for (ulong i = 0; i < _termOffsets[terms]; i++)
        {
            if (_ranges[i].Range >= rangeCount)
                ThrowHelper.Corrupt(path, "range-maxima entry names a range past the end");
        }
    }

    public int RangeSize { get; }
    public int RangeCount { get; }

    public ReadOnlySpan<ForwardEntry> Document(uint docId) =>
        new(_entries + _documentOffsets[docId], (int)(_documentOffsets[docId + 1] - _documentOffsets[docId]));

    public ReadOnlySpan<RangeMax> TermRanges(int termId) =>
        new(_ranges + _termOffsets[termId], (int)(_termOffsets[termId + 1] - _termOffsets[termId]));

    private static void CheckOffsets(string path, string name, ulong* offsets, ulong count, ulong limit)
    {
        if (offsets[0] != 0)
            ThrowHelper.Corrupt(path, $"{name} offsets do not start at 0");
        for (ulong i = 0; i < count; i++)
        {
            if (offsets[i + 1] < offsets[i] || offsets[i + 1] > limit)
                ThrowHelper.Corrupt(path, $"{name} offsets are inconsistent at {i}");
        }
    }
}
