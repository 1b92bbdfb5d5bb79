using System.Runtime.Intrinsics.X86;
using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>The forward postings of one bmp range, term-major (<see cref="RangeForwardLayout"/>).</summary>
public readonly ref struct RangePostings
{
    private readonly ReadOnlySpan<uint> _starts;
    private readonly ReadOnlySpan<byte> _docs;
    private readonly ReadOnlySpan<ushort> _impacts;

    public RangePostings(ReadOnlySpan<ushort> terms, ReadOnlySpan<uint> starts, ReadOnlySpan<byte> docs, ReadOnlySpan<ushort> impacts)
    {
        Terms = terms;
        _starts = starts;
        _docs = docs;
        _impacts = impacts;
    }

    /// <summary>The range's terms, increasing.</summary>
    public ReadOnlySpan<ushort> Terms { get; }

    /// <summary>Every entry's document, as an offset from the range's first docid; a pair's are <see cref="Entries"/>.</summary>
    public ReadOnlySpan<byte> Docs => _docs;

    /// <summary>Every entry's impact.</summary>
    public ReadOnlySpan<ushort> Impacts => _impacts;

    /// <summary>The entries of the <paramref name="pair"/>-th term.</summary>
    public Range Entries(int pair) => new((int)_starts[pair], pair + 1 < _starts.Length ? (int)_starts[pair + 1] : _docs.Length);
}

/// <summary>
/// The optional data of block-at-a-time pruning: a forward index grouped by docid range and by term within a range,
/// and per term its quantized maximum impact in each range. Headers and offsets are validated when the index opens;
/// everything inside a range or a term's row is read through bounds-checked spans.
/// </summary>
public sealed unsafe class BlockMaxRanges
{
    private readonly ulong* _rangePairs;
    private readonly ulong* _rangeEntries;
    private readonly ushort* _pairTerms;
    private readonly uint* _pairStarts;
    private readonly byte* _entryDocs;
    private readonly ushort* _entryImpacts;
    private readonly TermRangeBounds* _bounds;
    private readonly byte* _boundData;
    private readonly ulong _boundDataLength;
    private readonly ulong _termCount;

    internal BlockMaxRanges(string path, byte* forward, ulong forwardLength, byte* bounds, ulong boundsLength, ulong documents, ulong terms)
    {
        if (forwardLength < RangeForwardLayout.HeaderSize || boundsLength < TermRangeBounds.HeaderSize)
            ThrowHelper.Corrupt(path, "bmp sections are truncated");
        uint rangeSize = *(uint*)forward, rangeCount = *(uint*)(forward + 4);
        ulong pairs = *(ulong*)(forward + 8), entries = *(ulong*)(forward + 16);
        if (rangeSize is 0 or > IndexLayout.MaxRangeSize || (ulong)rangeCount != (documents + rangeSize - 1) / rangeSize)
            ThrowHelper.Corrupt(path, "bmp forward header does not match the index");
        ulong offsetsEnd = RangeForwardLayout.HeaderSize + 16 * ((ulong)rangeCount + 1);
        ulong pairsEnd = offsetsEnd + (pairs * 2 + 3 & ~3ul) + pairs * 4;
        ulong entriesEnd = pairsEnd + (entries + 1 & ~1ul) + entries * 2;
        if (pairs > forwardLength || entries > forwardLength || entriesEnd > forwardLength)
            ThrowHelper.Corrupt(path, "bmp forward section is truncated");
        _rangePairs = (ulong*)(forward + RangeForwardLayout.HeaderSize);
        _rangeEntries = _rangePairs + rangeCount + 1;
        _pairTerms = (ushort*)(forward + offsetsEnd);
        _pairStarts = (uint*)(forward + offsetsEnd + (pairs * 2 + 3 & ~3ul));
        _entryDocs = forward + pairsEnd;
        _entryImpacts = (ushort*)(forward + pairsEnd + (entries + 1 & ~1ul));
        CheckOffsets(path, "bmp range pair", _rangePairs, rangeCount, pairs);
        CheckOffsets(path, "bmp range entry", _rangeEntries, rangeCount, entries);

        if (*(uint*)bounds != rangeSize || *(uint*)(bounds + 4) != rangeCount || *(ulong*)(bounds + 8) != terms)
            ThrowHelper.Corrupt(path, "bmp range-bounds header does not match the forward index");
        _boundDataLength = *(ulong*)(bounds + 16);
        if (terms > boundsLength / (ulong)sizeof(TermRangeBounds)
            || TermRangeBounds.HeaderSize + terms * (ulong)sizeof(TermRangeBounds) + _boundDataLength > boundsLength)
            ThrowHelper.Corrupt(path, "bmp range-bounds section is truncated");
        _bounds = (TermRangeBounds*)(bounds + TermRangeBounds.HeaderSize);
        _boundData = bounds + TermRangeBounds.HeaderSize + terms * (ulong)sizeof(TermRangeBounds);
        for (ulong t = 0; t < terms; t++)
        {
            var term = _bounds[t];
            ulong length = term.Count == TermRangeBounds.Dense ? rangeCount : term.Count * 5ul;
            if (term.Offset > _boundDataLength || length > _boundDataLength - term.Offset || (term.Count != TermRangeBounds.Dense && term.Offset % 4 != 0))
                ThrowHelper.Corrupt(path, $"bmp range bounds of term {t} lie outside the section");
        }
        (RangeSize, RangeCount, _termCount) = ((int)rangeSize, (int)rangeCount, terms);
    }

    public int RangeSize { get; }
    public int RangeCount { get; }

    public RangePostings Range(int range)
    {
        ulong firstPair = _rangePairs[range], pairs = _rangePairs[range + 1] - firstPair;
        ulong firstEntry = _rangeEntries[range], entries = _rangeEntries[range + 1] - firstEntry;
        return new RangePostings(new(_pairTerms + firstPair, (int)pairs), new(_pairStarts + firstPair, (int)pairs),
            new(_entryDocs + firstEntry, (int)entries), new(_entryImpacts + firstEntry, (int)entries));
    }

    /// <summary>
    /// Asks the cache for the start of a range's data (the first lines of its term list and of its pair starts), so
    /// that a range about to be visited is not read cold; reads the range's pair offset to find them.
    /// </summary>
    public void Prefetch(int range)
    {
        if (!Sse.IsSupported || (uint)range >= (uint)RangeCount)
            return;
        ulong firstPair = _rangePairs[range];
        for (int line = 0; line < 4; line++)
            Sse.Prefetch0((byte*)(_pairTerms + firstPair) + 64 * line);
        Sse.Prefetch0(_pairStarts + firstPair);
    }

    /// <summary>The term's largest impact, the scale of its quantized range maxima.</summary>
    public uint TermMaxImpact(int term) => _bounds[CheckTerm(term)].MaxImpact;

    /// <summary>Whether the term keeps a dense row (<see cref="DenseBounds"/>) rather than a sparse list.</summary>
    public bool IsDense(int term) => _bounds[CheckTerm(term)].Count == TermRangeBounds.Dense;

    /// <summary>One quantized bound per range, zero where the term is absent.</summary>
    public ReadOnlySpan<byte> DenseBounds(int term) => new(_boundData + _bounds[CheckTerm(term)].Offset, RangeCount);

    /// <summary>The ranges a sparse term occurs in, increasing.</summary>
    public ReadOnlySpan<uint> SparseRanges(int term)
    {
        var entry = _bounds[CheckTerm(term)];
        return new(_boundData + entry.Offset, (int)entry.Count);
    }

    /// <summary>A sparse term's quantized bound in each of its <see cref="SparseRanges"/>.</summary>
    public ReadOnlySpan<byte> SparseBounds(int term)
    {
        var entry = _bounds[CheckTerm(term)];
        return new(_boundData + entry.Offset + 4 * entry.Count, (int)entry.Count);
    }

    /// <summary>
    /// Walks every range and term list (what opening does not): terms increasing, entry offsets increasing and
    /// inside the range, documents inside the range and increasing per term, sparse ranges increasing and in bounds.
    /// </summary>
    public void Validate(string path)
    {
        for (int r = 0; r < RangeCount; r++)
        {
            ulong firstPair = _rangePairs[r], pairs = _rangePairs[r + 1] - firstPair;
            ulong entries = _rangeEntries[r + 1] - _rangeEntries[r];
            for (ulong p = 0; p < pairs; p++)
            {
                ulong start = _pairStarts[firstPair + p], end = p + 1 < pairs ? _pairStarts[firstPair + p + 1] : entries;
                if ((p > 0 && _pairTerms[firstPair + p] <= _pairTerms[firstPair + p - 1]) || (ulong)_pairTerms[firstPair + p] >= _termCount
                    || start >= end || end > entries || (p == 0 && start != 0))
                    ThrowHelper.Corrupt(path, $"bmp range {r} has a bad term list");
                for (ulong e = start; e < end; e++)
                {
                    byte doc = _entryDocs[_rangeEntries[r] + e];
                    if (doc >= RangeSize || (e > start && doc <= _entryDocs[_rangeEntries[r] + e - 1]))
                        ThrowHelper.Corrupt(path, $"bmp range {r} has a bad document offset");
                }
            }
        }
        for (int t = 0; t < (int)_termCount; t++)
        {
            if (IsDense(t))
                continue;
            var ranges = SparseRanges(t);
            for (int i = 0; i < ranges.Length; i++)
            {
                if (ranges[i] >= RangeCount || (i > 0 && ranges[i] <= ranges[i - 1]))
                    ThrowHelper.Corrupt(path, $"bmp range bounds of term {t} are not increasing ranges");
            }
        }
    }

    private int CheckTerm(int term) => (ulong)term < _termCount ? term : throw new ArgumentOutOfRangeException(nameof(term));

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
