using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>
/// The forward postings of one bmp range, term-major (<see cref="RangeForwardLayout"/>), in either layout: 3-byte
/// entries with u32 pair starts, or packed 16-bit entries with a bitmap of where pairs start.
/// </summary>
public readonly ref struct RangePostings
{
    private readonly ReadOnlySpan<uint> _starts;
    private readonly ReadOnlySpan<ulong> _startBits;
    private readonly int _firstBit;

    /// <summary>A view over one range's parts of the RangeForward section.</summary>
    /// <param name="termSet">The range's term-set lines.</param>
    /// <param name="starts">Each pair's first entry, from the range's first entry.</param>
    /// <param name="entries">The range's entries, <see cref="RangeForwardLayout.EntryBytes"/> each.</param>
    public RangePostings(ReadOnlySpan<ulong> termSet, ReadOnlySpan<uint> starts, ReadOnlySpan<byte> entries)
    {
        TermSet = termSet;
        _starts = starts;
        Entries = entries;
        PairCount = starts.Length;
    }

    /// <summary>A view over one range's parts of the RangeForwardPacked section.</summary>
    /// <param name="termSet">The range's term-set lines (each line's top 16 bits: the range's entries before it).</param>
    /// <param name="startBits">The words of the section's pair-start bitmap from the one holding the range's first
    /// entry to the one holding the first bit past its last entry (the next range's first, or the final one).</param>
    /// <param name="firstBit">The range's first entry's bit in <paramref name="startBits"/> (below 64).</param>
    /// <param name="pairs">The range's pairs.</param>
    /// <param name="entryBytes">The bytes holding the range's entries, from the one holding its first entry's first
    /// bit, and at least 3 more past the one holding its last entry's last bit.</param>
    /// <param name="firstEntryBit">The first entry's first bit in <paramref name="entryBytes"/> (below 8).</param>
    /// <param name="entries">The range's entries.</param>
    /// <param name="docBits">Bits of the document offset in an entry.</param>
    /// <param name="impactBits">Bits of the impact in an entry.</param>
    public RangePostings(ReadOnlySpan<ulong> termSet, ReadOnlySpan<ulong> startBits, int firstBit, int pairs,
        ReadOnlySpan<byte> entryBytes, int firstEntryBit, int entries, int docBits, int impactBits)
    {
        TermSet = termSet;
        _startBits = startBits;
        _firstBit = firstBit;
        PackedEntries = entryBytes;
        FirstEntryBit = firstEntryBit;
        _packedCount = entries;
        PairCount = pairs;
        IsPacked = true;
        DocBits = docBits;
        EntryBits = docBits + impactBits;
    }

    private readonly int _packedCount;

    /// <summary>The range's term-set lines; <see cref="TermProbe"/> finds a term's pair in them.</summary>
    public ReadOnlySpan<ulong> TermSet { get; }

    /// <summary>Whether the entries are <see cref="PackedEntries"/> rather than <see cref="Entries"/>.</summary>
    public bool IsPacked { get; }

    /// <summary>Bits of the document offset in a packed entry.</summary>
    public int DocBits { get; }

    /// <summary>Unpacked: every entry, <see cref="RangeForwardLayout.EntryBytes"/> each; a pair's are <see cref="EntriesOf"/>.</summary>
    public ReadOnlySpan<byte> Entries { get; }

    /// <summary>Packed: the bytes of the entries, each <see cref="EntryBits"/> wide, impact &lt;&lt; <see cref="DocBits"/> |
    /// document offset, entry e from bit <see cref="FirstEntryBit"/> + e x EntryBits (little-endian bit order); a
    /// pair's are <see cref="EntriesOf"/>.</summary>
    public ReadOnlySpan<byte> PackedEntries { get; }

    /// <summary>Packed: the first entry's first bit in <see cref="PackedEntries"/>.</summary>
    public int FirstEntryBit { get; }

    /// <summary>Packed: bits of an entry, document offset and impact.</summary>
    public int EntryBits { get; }

    /// <summary>The range's (term, range) pairs: its distinct terms.</summary>
    public int PairCount { get; }

    /// <summary>The range's entries.</summary>
    public int EntryCount => IsPacked ? _packedCount : Entries.Length / RangeForwardLayout.EntryBytes;

    /// <summary>Asks the cache for the line holding where a term's entries start: <paramref name="location"/> is
    /// the term's pair (unpacked) or what <see cref="TermProbe.Locate"/> returned (packed); negative, nothing.</summary>
    public unsafe void PrefetchStart(int location)
    {
        if (!Sse.IsSupported || location < 0)
            return;
        if (IsPacked)
        {
            int word = (_firstBit + (location >> TermProbe.InLineBits)) >> 6;
            if (word < _startBits.Length)
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in _startBits[word])));
        }
        else if (location < PairCount)
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in _starts[location])));
    }

    /// <summary>Asks the cache for the first line of entries <paramref name="entries"/> (in entries, not bytes).</summary>
    public unsafe void PrefetchEntries(Range entries)
    {
        int start = entries.Start.Value;
        if (!Sse.IsSupported || (uint)start >= (uint)EntryCount)
            return;
        if (IsPacked)
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in PackedEntries[(FirstEntryBit + start * EntryBits) >> 3])));
        else
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in Entries[start * RangeForwardLayout.EntryBytes])));
    }

    /// <summary>
    /// A term's entries, in entries (not bytes): <paramref name="location"/> is its pair index (unpacked) or what
    /// <see cref="TermProbe.Locate"/> returned for it (packed, not negative). Packed, the pair's first entry is the
    /// k-th set bit of the pair-start bitmap from the line's first entry (k: the term's rank inside its line), and
    /// its end the next set bit.
    /// </summary>
    public Range EntriesOf(int location)
    {
        if (!IsPacked)
            return new((int)_starts[location], location + 1 < PairCount ? (int)_starts[location + 1] : Entries.Length / RangeForwardLayout.EntryBytes);
        int position = _firstBit + (location >> TermProbe.InLineBits), rank = location & ((1 << TermProbe.InLineBits) - 1);
        int word = position >> 6;
        if ((uint)(word + 3) < (uint)_startBits.Length)
        {
            // The common case without a branch on the loaded bits (a mispredicted one would wait for the miss and
            // discard the loads issued after it): both ends within the four words from the line's first entry.
            ref ulong first = ref Unsafe.Add(ref MemoryMarshal.GetReference(_startBits), word);
            int c0 = BitOperations.PopCount(first & (ulong.MaxValue << position));
            int c1 = BitOperations.PopCount(Unsafe.Add(ref first, 1));
            int c2 = BitOperations.PopCount(Unsafe.Add(ref first, 2));
            int c3 = BitOperations.PopCount(Unsafe.Add(ref first, 3));
            if (rank + 1 < c0 + c1 + c2 + c3)
            {
                int startBit = SelectInWords(ref first, position, c0, c1, c2, rank);
                int endBit = SelectInWords(ref first, position, c0, c1, c2, rank + 1);
                return new((word << 6) + startBit - _firstBit, (word << 6) + endBit - _firstBit);
            }
        }
        ulong bits = _startBits[word] & (ulong.MaxValue << position);
        for (int count; rank >= (count = BitOperations.PopCount(bits)); rank -= count)
            bits = _startBits[++word];
        int start = word << 6 | SelectBit(bits, rank);
        bits &= ~1ul << start; // the bits up to the start's
        while (bits == 0)
            bits = _startBits[++word];
        int end = word << 6 | BitOperations.TrailingZeroCount(bits);
        return new(start - _firstBit, end - _firstBit);
    }

    /// <summary>
    /// The position, from <paramref name="first"/>'s bit 0, of the <paramref name="rank"/>-th set bit of four words
    /// from bit <paramref name="position"/> % 64 of the first on (c0 .. c2: the first three words' set bits counted
    /// so; the four hold more than <paramref name="rank"/>), picked without branches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SelectInWords(ref ulong first, int position, int c0, int c1, int c2, int rank)
    {
        int past0 = rank >= c0 ? 1 : 0, past1 = rank >= c0 + c1 ? 1 : 0, past2 = rank >= c0 + c1 + c2 ? 1 : 0;
        int index = past0 + past1 + past2;
        int before = (c0 & -past0) + (c1 & -past1) + (c2 & -past2);
        ulong bits = Unsafe.Add(ref first, index) & (ulong.MaxValue << (position & -(1 - past0)));
        return (index << 6) + SelectBit(bits, rank - before);
    }

    /// <summary>The position of the <paramref name="rank"/>-th set bit of <paramref name="bits"/> (which has more than <paramref name="rank"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int SelectBit(ulong bits, int rank)
    {
        if (Bmi2.X64.IsSupported)
            return BitOperations.TrailingZeroCount(Bmi2.X64.ParallelBitDeposit(1ul << rank, bits));
        for (; rank > 0; rank--)
            bits &= bits - 1;
        return BitOperations.TrailingZeroCount(bits);
    }

    /// <summary>The document offset and impact of the range's <paramref name="entry"/>-th entry (either layout; not a hot path).</summary>
    public (int Document, uint Impact) Entry(int entry)
    {
        if (IsPacked)
        {
            if ((uint)entry >= (uint)_packedCount)
                throw new ArgumentOutOfRangeException(nameof(entry));
            int bit = FirstEntryBit + entry * EntryBits;
            uint packed = BinaryPrimitives.ReadUInt32LittleEndian(PackedEntries[(bit >> 3)..]) >> (bit & 7) & ((1u << EntryBits) - 1);
            return ((int)packed & ((1 << DocBits) - 1), packed >> DocBits);
        }
        var bytes = Entries.Slice(entry * RangeForwardLayout.EntryBytes, RangeForwardLayout.EntryBytes);
        return (bytes[0], BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]));
    }
}

/// <summary>
/// The optional data of block-at-a-time pruning: a forward index grouped by docid range and by term within a range,
/// and per term its quantized maximum impact in each range, in the version 2 layout (RangeForward, RangeBounds) or
/// the compact version 3 one (RangeForwardPacked or RangeForward, RangeBoundsBitmap). Headers and offsets are
/// validated when the index opens; everything inside a range or a term's row is read through bounds-checked spans.
/// </summary>
public sealed unsafe class BlockMaxRanges
{
    private readonly ulong* _rangePairs;
    private readonly ulong* _rangeEntries;
    private readonly ulong* _termSets;
    private readonly byte* _pairStarts;
    private readonly ulong _startWords;
    private readonly ulong _entriesLength;
    private readonly byte* _entries;
    private readonly int _termLines;
    private readonly TermRangeBounds* _bounds;
    private readonly byte* _boundData;
    private readonly ulong _boundDataLength;
    private readonly ulong _termCount;
    private readonly int _rangeWords;

    /// <param name="path">The index file, for errors.</param>
    /// <param name="forward">The RangeForward or RangeForwardPacked section.</param>
    /// <param name="forwardLength">Its bytes.</param>
    /// <param name="packed">Whether it is RangeForwardPacked.</param>
    /// <param name="bounds">The RangeBounds or RangeBoundsBitmap section.</param>
    /// <param name="boundsLength">Its bytes.</param>
    /// <param name="boundsBitmap">Whether it is RangeBoundsBitmap.</param>
    /// <param name="documents">The index's documents.</param>
    /// <param name="terms">The index's terms.</param>
    internal BlockMaxRanges(string path, byte* forward, ulong forwardLength, bool packed, byte* bounds, ulong boundsLength, bool boundsBitmap, ulong documents, ulong terms)
    {
        if (forwardLength < RangeForwardLayout.HeaderSize || boundsLength < TermRangeBounds.HeaderSize)
            ThrowHelper.Corrupt(path, "bmp sections are truncated");
        uint rangeSize = *(uint*)forward, rangeCount = *(uint*)(forward + 4), termLines = *(uint*)(forward + 24);
        uint docBits = *(ushort*)(forward + 28), impactBits = *(ushort*)(forward + 30);
        ulong pairs = *(ulong*)(forward + 8), entries = *(ulong*)(forward + 16);
        if (rangeSize is 0 or > IndexLayout.MaxRangeSize || (ulong)rangeCount != (documents + rangeSize - 1) / rangeSize
            || terms > ushort.MaxValue + 1 || termLines != RangeForwardLayout.TermLines((int)terms)
            || docBits != (packed ? (uint)RangeForwardLayout.DocBits((int)rangeSize) : 0)
            || (packed ? impactBits is 0 || docBits + impactBits > 16 : impactBits != 0))
            ThrowHelper.Corrupt(path, "bmp forward header does not match the index");
        ulong termSets = RangeForwardLayout.TermSetsOffset(rangeCount);
        ulong startsOffset = termSets + (ulong)rangeCount * termLines * RangeForwardLayout.LineBytes;
        if (pairs > forwardLength || entries > forwardLength)
            ThrowHelper.Corrupt(path, "bmp forward section is truncated");
        _startWords = RangeForwardLayout.StartWords(entries);
        ulong entriesOffset = startsOffset + (packed ? _startWords * sizeof(ulong) : pairs * sizeof(uint));
        ulong entriesLength = packed ? RangeForwardLayout.PackedEntriesBytes(entries, (int)(docBits + impactBits)) : entries * RangeForwardLayout.EntryBytes;
        if (entriesOffset + entriesLength > forwardLength)
            ThrowHelper.Corrupt(path, "bmp forward section is truncated");
        _rangePairs = (ulong*)(forward + RangeForwardLayout.HeaderSize);
        _rangeEntries = _rangePairs + rangeCount + 1;
        _termSets = (ulong*)(forward + termSets);
        _pairStarts = forward + startsOffset;
        _entries = forward + entriesOffset;
        _termLines = (int)termLines;
        (IsPacked, DocBits, ImpactBits) = (packed, (int)docBits, (int)impactBits);
        _entriesLength = entriesLength;
        CheckOffsets(path, "bmp range pair", _rangePairs, rangeCount, pairs, limit: packed ? RangeForwardLayout.MaxPackedRangeEntries : ulong.MaxValue);
        if (packed && (_pairStarts[entries / 8] >> (int)(entries % 8) & 1) == 0)
            ThrowHelper.Corrupt(path, "bmp pair-start bitmap lacks its final bit");
        CheckOffsets(path, "bmp range entry", _rangeEntries, rangeCount, entries, limit: packed ? RangeForwardLayout.MaxPackedRangeEntries : ulong.MaxValue);

        if (*(uint*)bounds != rangeSize || *(uint*)(bounds + 4) != rangeCount || *(ulong*)(bounds + 8) != terms)
            ThrowHelper.Corrupt(path, "bmp range-bounds header does not match the forward index");
        _boundDataLength = *(ulong*)(bounds + 16);
        if (terms > boundsLength / (ulong)sizeof(TermRangeBounds)
            || TermRangeBounds.HeaderSize + terms * (ulong)sizeof(TermRangeBounds) + _boundDataLength > boundsLength)
            ThrowHelper.Corrupt(path, "bmp range-bounds section is truncated");
        _bounds = (TermRangeBounds*)(bounds + TermRangeBounds.HeaderSize);
        _boundData = bounds + TermRangeBounds.HeaderSize + terms * (ulong)sizeof(TermRangeBounds);
        _rangeWords = (int)((rangeCount + 63) / 64);
        BoundsAreBitmaps = boundsBitmap;
        (RangeSize, RangeCount, _termCount) = ((int)rangeSize, (int)rangeCount, terms);
        for (ulong t = 0; t < terms; t++)
        {
            var term = _bounds[t];
            bool dense = !boundsBitmap && term.Count == TermRangeBounds.Dense;
            ulong length = dense ? rangeCount : boundsBitmap ? RangeWordsOf(term.Count) * 8 + term.Count : term.Count * 5ul;
            if (term.Offset > _boundDataLength || length > _boundDataLength - term.Offset
                || (!dense && term.Offset % (boundsBitmap ? 8ul : 4ul) != 0) || (!dense && term.Count > rangeCount)
                || (boundsBitmap && term.Count > boundsLength))
                ThrowHelper.Corrupt(path, $"bmp range bounds of term {t} lie outside the section");
        }
    }

    /// <summary>Documents per range (the last range may hold fewer), at most <see cref="IndexLayout.MaxRangeSize"/>.</summary>
    public int RangeSize { get; }
    /// <summary>Ranges: ceil(documents / RangeSize).</summary>
    public int RangeCount { get; }
    /// <summary>Whether the forward index is the packed layout (<see cref="SectionKind.RangeForwardPacked"/>).</summary>
    public bool IsPacked { get; }
    /// <summary>Packed: bits of the document offset in an entry; 0 otherwise.</summary>
    public int DocBits { get; }
    /// <summary>Packed: bits of the impact in an entry (of the largest impact); 0 otherwise.</summary>
    public int ImpactBits { get; }
    /// <summary>Whether sparse terms keep their ranges as a bitmap (<see cref="SectionKind.RangeBoundsBitmap"/>) rather than a u32 list.</summary>
    public bool BoundsAreBitmaps { get; }

    /// <summary>Range <paramref name="range"/>'s forward postings (0 &lt;= range &lt; <see cref="RangeCount"/>, unchecked: a hot path).</summary>
    public RangePostings Range(int range)
    {
        ulong firstPair = _rangePairs[range], pairs = _rangePairs[range + 1] - firstPair;
        ulong firstEntry = _rangeEntries[range], entries = _rangeEntries[range + 1] - firstEntry;
        var termSet = new ReadOnlySpan<ulong>(TermSetOf(range), _termLines * RangeForwardLayout.LineWords);
        if (IsPacked)
        {
            // From the word of the range's first entry to the word of the bit past its last one.
            ulong firstWord = firstEntry / 64, endWord = (firstEntry + entries) / 64 + 1;
            // From the byte of the range's first entry bit to the end of the entries and their padding.
            int entryBits = DocBits + ImpactBits;
            ulong firstEntryBit = firstEntry * (ulong)entryBits, firstByte = firstEntryBit / 8;
            ulong endByte = Math.Min(((firstEntry + entries) * (ulong)entryBits + 7) / 8 + RangeForwardLayout.PackedPadding, _entriesLength);
            return new RangePostings(termSet, new ReadOnlySpan<ulong>((ulong*)_pairStarts + firstWord, (int)(endWord - firstWord)),
                (int)(firstEntry % 64), (int)pairs, new ReadOnlySpan<byte>(_entries + firstByte, (int)(endByte - firstByte)),
                (int)(firstEntryBit % 8), (int)entries, DocBits, ImpactBits);
        }
        return new RangePostings(termSet, new ReadOnlySpan<uint>((uint*)_pairStarts + firstPair, (int)pairs),
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

    /// <summary>
    /// Whether the term's bounds are added a tile at a time with vector code (<see cref="AddDenseBounds"/>) rather than
    /// range by range (<see cref="AddSparseBounds"/>): in the version 2 layout the terms kept as a dense row, in the
    /// bitmap layout the terms found in at least a fifth of the ranges (the same terms).
    /// </summary>
    public bool IsDense(int term) => BoundsAreBitmaps
        ? (ulong)_bounds[CheckTerm(term)].Count * TermRangeBounds.DenseShare >= (ulong)RangeCount
        : _bounds[CheckTerm(term)].Count == TermRangeBounds.Dense;

    /// <summary>Version 2 layout: one quantized bound per range, zero where the dense term is absent.</summary>
    private ReadOnlySpan<byte> DenseBounds(int term) => new(_boundData + _bounds[CheckTerm(term)].Offset, RangeCount);

    /// <summary>
    /// tile[i] += weight x q for each range first + i the dense term occurs in and its quantized bound q there
    /// (<paramref name="first"/> a multiple of 64): a dense row's slice added whole, or the bitmap's words for the
    /// tile expanded from byte <paramref name="cursor"/> of the term's bounds on (the bounds of its ranges before
    /// <paramref name="first"/>). Returns the cursor for the next tile.
    /// </summary>
    /// <exception cref="ArgumentException">The tile lies past the ranges, or the term is not dense (<see cref="IsDense"/>).</exception>
    public int AddDenseBounds(int term, uint weight, int first, int cursor, Span<uint> tile)
    {
        if (first % 64 != 0 || first + tile.Length > RangeCount)
            ThrowHelper.Argument(nameof(tile), "The tile lies past the ranges or off a 64-range boundary.");
        if (!IsDense(term))
            ThrowHelper.Argument(nameof(term), "The term is not dense: its bounds are added by AddSparseBounds.");
        if (!BoundsAreBitmaps)
        {
            Simd.RangeBoundSums.AddScaled(DenseBounds(term).Slice(first, tile.Length), weight, tile);
            return cursor;
        }
        var words = SparseRangeBits(term).Slice(first / 64, (tile.Length + 63) / 64);
        return cursor + Simd.RangeBoundExpand.AddExpanded(words, SparseBounds(term)[cursor..], weight, tile);
    }

    /// <summary>
    /// sums[r] += weight x q for each range r a sparse term occurs in and its quantized bound q there, in either
    /// layout (a u32 list of ranges, or a bitmap of them): the scalar half of bmp's range upper bounds.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="sums"/> is shorter than <see cref="RangeCount"/>.</exception>
    public void AddSparseBounds(int term, uint weight, Span<uint> sums)
    {
        if (sums.Length < RangeCount)
            ThrowHelper.DestinationTooShort(nameof(sums));
        var bounds = SparseBounds(term);
        if (!BoundsAreBitmaps)
        {
            var ranges = new ReadOnlySpan<uint>(_boundData + _bounds[term].Offset, bounds.Length);
            for (int i = 0; i < ranges.Length; i++)
                sums[(int)ranges[i]] += weight * bounds[i];
            return;
        }
        if (TermRangeBounds.UsesEliasFano(_bounds[term].Count, (ulong)RangeCount))
        {
            AddEliasFanoBounds(term, weight, bounds, sums);
            return;
        }
        var words = SparseRangeBits(term);
        ref byte bound = ref MemoryMarshal.GetReference(bounds);
        int next = 0;
        for (int w = 0; w < words.Length; w++)
        {
            // Validated (Validate): the bits set are Count, so next stays inside the bounds.
            for (ulong bits = words[w]; bits != 0 && next < bounds.Length; bits &= bits - 1)
                sums[w * 64 + BitOperations.TrailingZeroCount(bits)] += weight * Unsafe.Add(ref bound, next++);
        }
    }

    /// <summary>
    /// <see cref="AddSparseBounds"/> for an Elias-Fano term, decoded in place: the i-th range is (the position of the
    /// i-th set bit of the upper words - i) &lt;&lt; L | its L low bits, read as the u64 at the low bits' first byte
    /// (inside the term's words for every i below its count). A damaged list may name a range past the sums, which
    /// throws. The same decode as <see cref="EliasFanoRanges"/>, written out: the enumerator here measured 25-40%
    /// slower (BmpLayoutBenchmarks.RangeBounds, version 3).
    /// </summary>
    private void AddEliasFanoBounds(int term, uint weight, ReadOnlySpan<byte> bounds, Span<uint> sums)
    {
        var entry = _bounds[term];
        ulong count = entry.Count, rangeCount = (ulong)RangeCount;
        int lowBits = TermRangeBounds.EliasFanoLowBits(count, rangeCount);
        int lowWords = (int)TermRangeBounds.EliasFanoLowWords(count, rangeCount);
        int upperWords = (int)TermRangeBounds.EliasFanoWords(count, rangeCount) - lowWords;
        byte* low = _boundData + entry.Offset;
        ulong* upper = (ulong*)low + lowWords;
        ulong lowMask = (1ul << lowBits) - 1;
        ref byte bound = ref MemoryMarshal.GetReference(bounds);
        int i = 0;
        for (int w = 0; w < upperWords; w++)
        {
            for (ulong bits = upper[w]; bits != 0 && i < bounds.Length; bits &= bits - 1, i++)
            {
                int high = w * 64 + BitOperations.TrailingZeroCount(bits) - i;
                int bit = i * lowBits;
                ulong lowPart = Unsafe.ReadUnaligned<ulong>(low + (bit >> 3)) >> (bit & 7) & lowMask;
                sums[high << lowBits | (int)lowPart] += weight * Unsafe.Add(ref bound, i);
            }
        }
    }

    /// <summary>The ranges a sparse term occurs in, increasing (either layout; not a hot path).</summary>
    public IEnumerable<int> SparseRanges(int term)
    {
        var entry = _bounds[CheckTerm(term)];
        var result = new List<int>((int)entry.Count);
        if (!BoundsAreBitmaps)
        {
            foreach (uint range in new ReadOnlySpan<uint>(_boundData + entry.Offset, (int)entry.Count))
                result.Add((int)range);
            return result;
        }
        if (TermRangeBounds.UsesEliasFano(entry.Count, (ulong)RangeCount))
        {
            for (var list = EliasFanoOf(term); list.MoveNext();)
                result.Add(list.Current);
            return result;
        }
        var words = SparseRangeBits(term);
        for (int w = 0; w < words.Length; w++)
        {
            for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                result.Add(w * 64 + BitOperations.TrailingZeroCount(bits));
        }
        return result;
    }

    /// <summary>Bitmap layout: a term's ranges, one bit per range (not an Elias-Fano term's).</summary>
    private ReadOnlySpan<ulong> SparseRangeBits(int term) => new(_boundData + _bounds[CheckTerm(term)].Offset, _rangeWords);

    /// <summary>Bitmap layout: the u64 words before a term's bounds: its bitmap, or its Elias-Fano list.</summary>
    private ulong RangeWordsOf(uint count) => TermRangeBounds.UsesEliasFano(count, (ulong)RangeCount)
        ? TermRangeBounds.EliasFanoWords(count, (ulong)RangeCount) : (ulong)_rangeWords;

    /// <summary>Bitmap layout: an Elias-Fano term's ranges.</summary>
    private EliasFanoRanges EliasFanoOf(int term)
    {
        var entry = _bounds[CheckTerm(term)];
        ulong lowWords = TermRangeBounds.EliasFanoLowWords(entry.Count, (ulong)RangeCount);
        ulong words = TermRangeBounds.EliasFanoWords(entry.Count, (ulong)RangeCount);
        return new EliasFanoRanges(new ReadOnlySpan<byte>(_boundData + entry.Offset, (int)(words * 8)), (int)lowWords,
            TermRangeBounds.EliasFanoLowBits(entry.Count, (ulong)RangeCount), (int)entry.Count);
    }

    /// <summary>A sparse term's (bitmap layout: any term's) quantized bound in each of its ranges, in range order.</summary>
    public ReadOnlySpan<byte> SparseBounds(int term)
    {
        var entry = _bounds[CheckTerm(term)];
        ulong ranges = BoundsAreBitmaps ? RangeWordsOf(entry.Count) * 8 : 4 * (ulong)entry.Count;
        return new(_boundData + entry.Offset + ranges, (int)entry.Count);
    }

    /// <summary>
    /// Walks every range (what opening does not): term sets inside the vocabulary with consistent ranks and one
    /// pair per term, entry offsets increasing and inside the range, documents inside the range and increasing per
    /// term, packed impacts no larger than the term's maximum, sparse range bounds increasing and in bounds (a
    /// bitmap: no bit past the last range, as many bits as bounds).
    /// </summary>
    public void Validate(string path)
    {
        for (int r = 0; r < RangeCount; r++)
        {
            var postings = Range(r);
            int pairs = postings.PairCount, entries = postings.EntryCount;
            var set = postings.TermSet;
            ulong rank = 0;
            Span<int> terms = new int[pairs];
            // Packed: where each pair starts, from the bitmap, and a term's location as TermProbe.Locate gives it.
            Span<int> starts = IsPacked ? PairStartsOf(path, r, postings) : default;
            Span<int> locations = new int[pairs];
            int term = 0;
            for (int line = 0; line < _termLines; line++)
            {
                var words = set.Slice(line * RangeForwardLayout.LineWords, RangeForwardLayout.LineWords);
                ulong lineValue = IsPacked ? (rank < (ulong)pairs ? (ulong)starts[(int)rank] : (ulong)entries) : rank;
                if (words[^1] >> 48 != lineValue)
                    ThrowHelper.Corrupt(path, $"bmp range {r} has a bad term-set rank in line {line}");
                ulong lineFirst = rank;
                int lineTerms = Math.Min(RangeForwardLayout.TermsPerLine, (int)_termCount - line * RangeForwardLayout.TermsPerLine);
                for (int w = 0; w < RangeForwardLayout.LineWords; w++)
                {
                    ulong termBits = w == RangeForwardLayout.LineWords - 1 ? words[w] & ((1ul << 48) - 1) : words[w]; // less the rank
                    int vocabularyBits = Math.Clamp(lineTerms - 64 * w, 0, 64);
                    ulong inVocabulary = vocabularyBits == 64 ? ulong.MaxValue : (1ul << vocabularyBits) - 1;
                    if ((termBits & ~inVocabulary) != 0)
                        ThrowHelper.Corrupt(path, $"bmp range {r} holds terms outside the vocabulary");
                    rank += (ulong)BitOperations.PopCount(termBits);
                    for (ulong bits = termBits; bits != 0 && term < pairs; bits &= bits - 1)
                    {
                        locations[term] = IsPacked ? (int)lineValue << TermProbe.InLineBits | (int)((ulong)term - lineFirst) : term;
                        terms[term++] = line * RangeForwardLayout.TermsPerLine + 64 * w + BitOperations.TrailingZeroCount(bits);
                    }
                }
            }
            if (rank != (ulong)pairs)
                ThrowHelper.Corrupt(path, $"bmp range {r} has {rank} terms in its term set but {pairs} pairs");
            int previousEnd = 0;
            for (int p = 0; p < pairs; p++)
            {
                int start, end;
                try
                {
                    (start, end) = (postings.EntriesOf(locations[p]).Start.Value, postings.EntriesOf(locations[p]).End.Value);
                    if (IsPacked && (start != starts[p] || end != (p + 1 < pairs ? starts[p + 1] : entries)))
                        (start, end) = (-1, -1); // the lookup disagrees with the bitmap
                }
                catch (ArgumentOutOfRangeException)
                {
                    (start, end) = (-1, -1); // a start past the range's entries
                }
                if (start != previousEnd || start >= end || end > entries)
                    ThrowHelper.Corrupt(path, $"bmp range {r} has bad entry offsets");
                previousEnd = end;
                uint termMax = _bounds[terms[p]].MaxImpact;
                for (int e = start; e < end; e++)
                {
                    var (doc, impact) = postings.Entry(e);
                    if (doc >= RangeSize || (e > start && doc <= postings.Entry(e - 1).Document))
                        ThrowHelper.Corrupt(path, $"bmp range {r} has a bad document offset");
                    if (IsPacked && impact > termMax)
                        ThrowHelper.Corrupt(path, $"bmp range {r} has an impact of term {terms[p]} above its maximum");
                }
            }
            if (pairs == 0 && entries != 0)
                ThrowHelper.Corrupt(path, $"bmp range {r} has entries but no terms");
        }
        for (int t = 0; t < (int)_termCount; t++)
        {
            if (!BoundsAreBitmaps && IsDense(t))
                continue;
            if (BoundsAreBitmaps && TermRangeBounds.UsesEliasFano(_bounds[t].Count, (ulong)RangeCount))
            {
                var list = EliasFanoOf(t);
                int count = 0, last = -1;
                while (list.MoveNext())
                {
                    if (list.Current <= last || list.Current >= RangeCount)
                        ThrowHelper.Corrupt(path, $"bmp range bounds of term {t} are not increasing ranges");
                    (last, count) = (list.Current, count + 1);
                }
                if (count != SparseBounds(t).Length || !list.EndsClean)
                    ThrowHelper.Corrupt(path, $"bmp range bounds of term {t} have a bad Elias-Fano list");
                continue;
            }
            if (BoundsAreBitmaps)
            {
                var words = SparseRangeBits(t);
                long bits = 0;
                foreach (ulong word in words)
                    bits += BitOperations.PopCount(word);
                ulong past = RangeCount % 64 == 0 ? 0 : ~0ul << (RangeCount % 64);
                if (bits != SparseBounds(t).Length || (words.Length > 0 && (words[^1] & past) != 0))
                    ThrowHelper.Corrupt(path, $"bmp range bounds of term {t} have a bad range bitmap");
                continue;
            }
            int previous = -1;
            foreach (int range in SparseRanges(t))
            {
                if (range >= RangeCount || range <= previous)
                    ThrowHelper.Corrupt(path, $"bmp range bounds of term {t} are not increasing ranges");
                previous = range;
            }
        }
    }

    /// <summary>Packed: where each of range <paramref name="range"/>'s pairs starts, read from the pair-start
    /// bitmap, which must have a bit for each pair, the first at the range's first entry, and the bit past the
    /// range's last entry set (the next range's first, or the final bit, with nothing after it).</summary>
    private int[] PairStartsOf(string path, int range, RangePostings postings)
    {
        var starts = new int[postings.PairCount];
        int found = 0;
        for (int e = 0; e <= postings.EntryCount; e++)
        {
            ulong global = _rangeEntries[range] + (ulong)e;
            if ((_pairStarts[global / 8] >> (int)(global % 8) & 1) == 0)
                continue;
            if (e == postings.EntryCount)
                break;
            if (found == starts.Length || (found == 0 && e != 0))
                ThrowHelper.Corrupt(path, $"bmp range {range} has a bad pair-start bitmap");
            starts[found++] = e;
        }
        ulong end = _rangeEntries[range + 1];
        bool closed = (_pairStarts[end / 8] >> (int)(end % 8) & 1) != 0;
        if (found != starts.Length || !closed)
            ThrowHelper.Corrupt(path, $"bmp range {range} has a bad pair-start bitmap");
        if (range == RangeCount - 1)
        {
            var words = new ReadOnlySpan<ulong>(_pairStarts, (int)_startWords);
            if ((words[^1] & ~(ulong.MaxValue >> (63 - (int)(end % 64)))) != 0 || end / 64 != (ulong)words.Length - 1)
                ThrowHelper.Corrupt(path, "bmp pair-start bitmap has bits past its final bit");
        }
        return starts;
    }

    /// <summary>
    /// An Elias-Fano list of increasing ranges (<see cref="TermRangeBounds"/>): the i-th is its high part, the
    /// position of the i-th set bit of the upper words less i, shifted left by L, or its L low bits.
    /// </summary>
    private ref struct EliasFanoRanges(ReadOnlySpan<byte> data, int lowWords, int lowBits, int count)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private readonly ReadOnlySpan<ulong> _upper = MemoryMarshal.Cast<byte, ulong>(data[(lowWords * 8)..]);
        private readonly ulong _lowMask = (1ul << lowBits) - 1;
        private int _word = -1;
        private ulong _bits;
        private int _index = -1;

        public int Current { get; private set; }

        /// <summary>Whether the list held exactly its count of set bits (after MoveNext returned false).</summary>
        public readonly bool EndsClean => _index == count && _bits == 0 && (_word + 1 >= _upper.Length || IsZero(_upper[(_word + 1)..]));

        public bool MoveNext()
        {
            if (_index + 1 >= count)
            {
                _index = count;
                return false;
            }
            while (_bits == 0)
            {
                if (++_word == _upper.Length)
                    return false;
                _bits = _upper[_word];
            }
            _index++;
            int high = _word * 64 + BitOperations.TrailingZeroCount(_bits) - _index;
            _bits &= _bits - 1;
            int bit = _index * lowBits;
            ulong low = MemoryMarshal.Read<ulong>(_data[(bit >> 3)..]) >> (bit & 7) & _lowMask;
            Current = high << lowBits | (int)low;
            return true;
        }

        private static bool IsZero(ReadOnlySpan<ulong> words)
        {
            foreach (ulong word in words)
            {
                if (word != 0)
                    return false;
            }
            return true;
        }
    }

    private int CheckTerm(int term) => (ulong)term < _termCount ? term : throw new ArgumentOutOfRangeException(nameof(term));

    private static void CheckOffsets(string path, string name, ulong* offsets, ulong count, ulong total, ulong limit)
    {
        if (offsets[0] != 0)
            ThrowHelper.Corrupt(path, $"{name} offsets do not start at 0");
        for (ulong i = 0; i < count; i++)
        {
            if (offsets[i + 1] < offsets[i] || offsets[i + 1] > total || offsets[i + 1] - offsets[i] > limit)
                ThrowHelper.Corrupt(path, $"{name} offsets are inconsistent at {i}");
        }
    }
}
