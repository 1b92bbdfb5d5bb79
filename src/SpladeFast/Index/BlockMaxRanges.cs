using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>The forward postings of one bmp range, term-major (<see cref="RangeForwardLayout"/>).</summary>
public readonly ref struct RangePostings
{
    private readonly ReadOnlySpan<uint> _starts;

    /// <summary>A view over one range's parts of the RangeForward section.</summary>
    /// <param name="termSet">The range's term-set lines.</param>
    /// <param name="starts">Each pair's first entry, from the range's first entry.</param>
    /// <param name="entries">The range's entries.</param>
    public RangePostings(ReadOnlySpan<ulong> termSet, ReadOnlySpan<uint> starts, ReadOnlySpan<byte> entries)
    {
        TermSet = termSet;
        _starts = starts;
        Entries = entries;
    }

    /// <summary>The range's term-set lines; <see cref="TermProbe"/> finds a term's pair in them.</summary>
    public ReadOnlySpan<ulong> TermSet { get; }

    /// <summary>Every entry, <see cref="RangeForwardLayout.EntryBytes"/> each; a pair's are <see cref="EntriesOf"/>.</summary>
    public ReadOnlySpan<byte> Entries { get; }

    /// <summary>The range's (term, range) pairs: its distinct terms.</summary>
    public int PairCount => _starts.Length;

    /// <summary>Asks the cache for the line holding where the <paramref name="pair"/>-th term's entries start.</summary>
    public unsafe void PrefetchStart(int pair)
    {
        if (Sse.IsSupported && (uint)pair < (uint)_starts.Length)
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in _starts[pair])));
    }

    /// <summary>Asks the cache for the first line of entries <paramref name="entries"/> (in entries, not bytes).</summary>
    public unsafe void PrefetchEntries(Range entries)
    {
        int offset = entries.Start.Value * RangeForwardLayout.EntryBytes;
        if (Sse.IsSupported && (uint)offset < (uint)Entries.Length)
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in Entries[offset])));
    }

    /// <summary>The entries of the <paramref name="pair"/>-th term, in entries (not bytes).</summary>
    public Range EntriesOf(int pair) =>
        new((int)_starts[pair], pair + 1 < _starts.Length ? (int)_starts[pair + 1] : Entries.Length / RangeForwardLayout.EntryBytes);
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
    private readonly ulong* _termSets;
    private readonly uint* _pairStarts;
    private readonly byte* _entries;
    private readonly int _termLines;
    private readonly TermRangeBounds* _bounds;
    private readonly byte* _boundData;
    private readonly ulong _boundDataLength;
    private readonly ulong _termCount;

    internal BlockMaxRanges(string path, byte* forward, ulong forwardLength, byte* bounds, ulong boundsLength, ulong documents, ulong terms)
    {
        if (forwardLength < RangeForwardLayout.HeaderSize || boundsLength < TermRangeBounds.HeaderSize)
            ThrowHelper.Corrupt(path, "bmp sections are truncated");
        uint rangeSize = *(uint*)forward, rangeCount = *(uint*)(forward + 4), termLines = *(uint*)(forward + 24);
        ulong pairs = *(ulong*)(forward + 8), entries = *(ulong*)(forward + 16);
        if (rangeSize is 0 or > IndexLayout.MaxRangeSize || (ulong)rangeCount != (documents + rangeSize - 1) / rangeSize
            || terms > ushort.MaxValue + 1 || termLines != RangeForwardLayout.TermLines((int)terms))
            ThrowHelper.Corrupt(path, "bmp forward header does not match the index");
        ulong termSets = RangeForwardLayout.TermSetsOffset(rangeCount);
        ulong startsOffset = termSets + (ulong)rangeCount * termLines * RangeForwardLayout.LineBytes;
        ulong entriesOffset = startsOffset + pairs * 4;
        if (pairs > forwardLength || entries > forwardLength || entriesOffset + entries * RangeForwardLayout.EntryBytes > forwardLength)
            ThrowHelper.Corrupt(path, "bmp forward section is truncated");
        _rangePairs = (ulong*)(forward + RangeForwardLayout.HeaderSize);
        _rangeEntries = _rangePairs + rangeCount + 1;
        _termSets = (ulong*)(forward + termSets);
        _pairStarts = (uint*)(forward + startsOffset);
        _entries = forward + entriesOffset;
        _termLines = (int)termLines;
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

    /// <summary>Documents per range (the last range may hold fewer), at most <see cref="IndexLayout.MaxRangeSize"/>.</summary>
    public int RangeSize { get; }
    /// <summary>Ranges: ceil(documents / RangeSize).</summary>
    public int RangeCount { get; }

    /// <summary>Range <paramref name="range"/>'s forward postings (0 &lt;= range &lt; <see cref="RangeCount"/>, unchecked: a hot path).</summary>
    public RangePostings Range(int range)
    {
        ulong firstPair = _rangePairs[range], pairs = _rangePairs[range + 1] - firstPair;
        ulong firstEntry = _rangeEntries[range], entries = _rangeEntries[range + 1] - firstEntry;
        return new RangePostings(new(TermSetOf(range), _termLines * RangeForwardLayout.LineWords), new(_pairStarts + firstPair, (int)pairs),
            new(_entries + firstEntry * RangeForwardLayout.EntryBytes, (int)entries * RangeForwardLayout.EntryBytes));
    }

    /// <summary>
    /// Asks the cache for what finding a query's terms in a range about to be visited reads: the range's offsets
    /// and the term-set lines <paramref name="lines"/> names (each below the number of lines).
    /// </summary>
    public void Prefetch(int range, ReadOnlySpan<int> lines)
    {
        if (!Sse.IsSupported || (uint)range >= (uint)RangeCount)
            return;
        Sse.Prefetch0(_rangePairs + range);
        Sse.Prefetch0(_rangeEntries + range);
        ulong* set = TermSetOf(range);
        foreach (int line in lines)
            Sse.Prefetch0(set + line * RangeForwardLayout.LineWords);
    }

    private ulong* TermSetOf(int range) => _termSets + (ulong)range * (ulong)_termLines * RangeForwardLayout.LineWords;

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
    /// Walks every range (what opening does not): term sets inside the vocabulary with consistent ranks and one
    /// pair per term, entry offsets increasing and inside the range, documents inside the range and increasing per
    /// term, sparse range bounds increasing and in bounds.
    /// </summary>
    public void Validate(string path)
    {
        for (int r = 0; r < RangeCount; r++)
        {
            ulong firstPair = _rangePairs[r], pairs = _rangePairs[r + 1] - firstPair;
            ulong entries = _rangeEntries[r + 1] - _rangeEntries[r];
            var set = new ReadOnlySpan<ulong>(TermSetOf(r), _termLines * RangeForwardLayout.LineWords);
            ulong rank = 0;
            for (int line = 0; line < _termLines; line++)
            {
                var words = set.Slice(line * RangeForwardLayout.LineWords, RangeForwardLayout.LineWords);
                if (words[^1] >> 48 != rank)
                    ThrowHelper.Corrupt(path, $"bmp range {r} has a bad term-set rank in line {line}");
                int lineTerms = Math.Min(RangeForwardLayout.TermsPerLine, (int)_termCount - line * RangeForwardLayout.TermsPerLine);
                for (int w = 0; w < RangeForwardLayout.LineWords; w++)
                {
                    ulong termBits = w == RangeForwardLayout.LineWords - 1 ? words[w] & ((1ul << 48) - 1) : words[w]; // less the rank
                    int vocabularyBits = Math.Clamp(lineTerms - 64 * w, 0, 64);
                    ulong inVocabulary = vocabularyBits == 64 ? ulong.MaxValue : (1ul << vocabularyBits) - 1;
                    if ((termBits & ~inVocabulary) != 0)
                        ThrowHelper.Corrupt(path, $"bmp range {r} holds terms outside the vocabulary");
                    rank += (ulong)BitOperations.PopCount(termBits);
                }
            }
            if (rank != pairs)
                ThrowHelper.Corrupt(path, $"bmp range {r} has {rank} terms in its term set but {pairs} pairs");
            var starts = new ReadOnlySpan<uint>(_pairStarts + firstPair, (int)pairs);
            var data = new ReadOnlySpan<byte>(_entries + _rangeEntries[r] * RangeForwardLayout.EntryBytes, (int)entries * RangeForwardLayout.EntryBytes);
            for (int p = 0; p < starts.Length; p++)
            {
                ulong start = starts[p], end = p + 1 < starts.Length ? starts[p + 1] : entries;
                if (start >= end || end > entries || (p == 0 && start != 0))
                    ThrowHelper.Corrupt(path, $"bmp range {r} has bad entry offsets");
                for (ulong e = start; e < end; e++)
                {
                    byte doc = data[(int)e * RangeForwardLayout.EntryBytes];
                    if (doc >= RangeSize || (e > start && doc <= data[(int)(e - 1) * RangeForwardLayout.EntryBytes]))
                        ThrowHelper.Corrupt(path, $"bmp range {r} has a bad document offset");
                }
            }
            if (pairs == 0 && entries != 0)
                ThrowHelper.Corrupt(path, $"bmp range {r} has entries but no terms");
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
