using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Algorithms;

/// <summary>
/// The next ranges bmp visits, each a step further along. A visited range is cold in cache and its data is reached
/// in three dependent steps (term-set lines, then pair starts or the pair-start bitmap, then entries), so each step is taken one range
/// ahead of the one that needs its result and the misses of later ranges overlap the scoring of this one:
/// <code>
///   while range i is scored:  i+3 prefetch its term-set lines
///                             i+2 probe the query's terms, prefetch their pair starts
///                             i+1 read its pair starts, prefetch their entries
///                             i   add its entries to the document scores
/// </code>
/// Ranges enter in visiting order; one that ends up not visited (the top k filled first) costs only prefetches.
/// Each range carries the query state of its index (<see cref="BlockMaxPruning.Scratch"/>), so the ranges of several
/// indexes (a live index's segments) can share one pipeline.
/// </summary>
internal sealed class RangePipeline
{
    public const int Depth = 4;
    private const int Prefetched = 1, Probed = 2, Located = 3;
    private readonly Slot[] _slots = [new(), new(), new(), new()];
    private int _head;

    public int Count { get; private set; }

    /// <summary>Empties the pipeline and sizes its buffers for a query of <paramref name="terms"/> terms.</summary>
    public void Start(int terms)
    {
        (_head, Count) = (0, 0);
        foreach (var slot in _slots)
        {
            if (slot.Found.Length < terms)
                (slot.Found, slot.Entries) = (new int[terms], new (Range, uint)[terms]);
        }
    }

    /// <summary>Queues range <paramref name="range"/> of the index whose query state is <paramref name="source"/>
    /// (<paramref name="part"/>: which of several indexes that is, for the caller; 0 for one).</summary>
    public void Add(BlockMaxPruning.Scratch source, int part, int range, uint sum)
    {
        var slot = _slots[(_head + Count++) % Depth];
        (slot.Source, slot.Part, slot.Range, slot.Sum, slot.Stage) = (source, part, range, sum, 0);
    }

    public (int Part, int Range, uint Sum) Head => (_slots[_head].Part, _slots[_head].Range, _slots[_head].Sum);

    /// <summary>
    /// Advances every later range by a step, then adds the head range's entries to <paramref name="scores"/> (one
    /// per document of the range) and drops it; returns the entries read.
    /// </summary>
    public long ScoreHead(Span<long> scores)
    {
        for (int position = Count - 1; position >= 0; position--)
            Advance(_slots[(_head + position) % Depth], position == 0 ? Located : Depth - position);
        var head = _slots[_head];
        _head = (_head + 1) % Depth;
        Count--;
        var postings = head.Source.Ranges.Range(head.Range);
        var matched = head.Entries.AsSpan(0, head.Matched);
        return postings.IsPacked
            ? ScorePacked(postings.PackedEntries, postings.FirstEntryBit, postings.EntryBits, postings.DocBits, matched, scores)
            : Score(postings.Entries, matched, scores);
    }

    /// <summary>scores[document] += weight x impact over 3-byte entries (RangeForward); returns the entries read.</summary>
    private static long Score(ReadOnlySpan<byte> data, ReadOnlySpan<(Range Entries, uint Weight)> matched, Span<long> scores)
    {
        long read = 0;
        foreach (var (entries, weight) in matched)
        {
            var pairEntries = data[(entries.Start.Value * RangeForwardLayout.EntryBytes)..(entries.End.Value * RangeForwardLayout.EntryBytes)];
            for (int e = 0; e < pairEntries.Length; e += RangeForwardLayout.EntryBytes)
                scores[pairEntries[e]] += (long)weight * BinaryPrimitives.ReadUInt16LittleEndian(pairEntries[(e + 1)..]);
            read += pairEntries.Length / RangeForwardLayout.EntryBytes;
        }
        return read;
    }

    /// <summary>The same over bit-packed entries, impact &lt;&lt; docBits | document offset (RangeForwardPacked), entry e
    /// read as the u32 at byte (firstBit + e x entryBits) / 8 (the bytes run at least 3 past the last entry's).</summary>
    private static long ScorePacked(ReadOnlySpan<byte> data, int firstBit, int entryBits, int docBits,
        ReadOnlySpan<(Range Entries, uint Weight)> matched, Span<long> scores)
    {
        long read = 0;
        int documentMask = (1 << docBits) - 1;
        uint entryMask = (1u << entryBits) - 1;
        ref byte bytes = ref MemoryMarshal.GetReference(data);
        foreach (var (entries, weight) in matched)
        {
            int bit = firstBit + entries.Start.Value * entryBits, end = firstBit + entries.End.Value * entryBits;
            if (end > bit && (uint)((end - entryBits) >> 3) + sizeof(uint) > (uint)data.Length)
                ThrowHelper.ArgumentOutOfRange(nameof(matched), "A pair's entries lie past the range's.");
            for (; bit < end; bit += entryBits)
            {
                uint entry = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref bytes, bit >> 3)) >> (bit & 7) & entryMask;
                scores[(int)entry & documentMask] += (long)weight * (entry >> docBits);
            }
            read += entries.End.Value - entries.Start.Value;
        }
        return read;
    }

    private static void Advance(Slot slot, int stage)
    {
        var source = slot.Source;
        var ranges = source.Ranges;
        var query = source.Query;
        var probes = source.Probes.AsSpan(0, query.Length);
        for (; slot.Stage < stage; slot.Stage++)
        {
            switch (slot.Stage + 1)
            {
                case Prefetched:
                    ranges.Prefetch(slot.Range, source.ProbeLines);
                    break;
                case Probed:
                {
                    var postings = ranges.Range(slot.Range);
                    var termSet = postings.TermSet;
                    var found = slot.Found.AsSpan(0, probes.Length);
                    bool packed = postings.IsPacked;
                    for (int q = 0; q < probes.Length; q++)
                    {
                        found[q] = packed ? probes[q].Locate(termSet) : probes[q].Find(termSet);
                        postings.PrefetchStart(found[q]);
                    }
                    break;
                }
                case Located:
                {
                    var postings = ranges.Range(slot.Range);
                    int matched = 0;
                    if (postings.PairCount > 0)
                    {
                        // No branch on what was loaded: a mispredicted one would wait for its miss and discard the
                        // loads issued after it. The terms found are gathered first (Found[matched], with matched
                        // <= q, is read before it is overwritten), so only they pay for finding their entries.
                        for (int q = 0; q < query.Length; q++)
                        {
                            int pair = slot.Found[q];
                            slot.Found[matched] = pair;
                            slot.Entries[matched] = (default, query[q].Weight);
                            matched += (int)((uint)~pair >> 31);
                        }
                        for (int m = 0; m < matched; m++)
                            slot.Entries[m].Entries = postings.EntriesOf(slot.Found[m]);
                    }
                    foreach (var (entries, _) in slot.Entries.AsSpan(0, matched))
                        postings.PrefetchEntries(entries);
                    slot.Matched = matched;
                    break;
                }
            }
        }
    }

    private sealed class Slot
    {
        public BlockMaxPruning.Scratch Source = null!;
        public int Part;
        public int Range;
        public uint Sum;
        /// <summary>The last step taken: 0 (none), <see cref="Prefetched"/>, <see cref="Probed"/>, <see cref="Located"/>.</summary>
        public int Stage;
        /// <summary>Per query term, its pair in the range (packed: its location, <see cref="TermProbe.Locate"/>), or -1;
        /// once located, the first Matched are those of the terms found.</summary>
        public int[] Found = [];
        /// <summary>Per matched query term, its entries in the range and its weight.</summary>
        public (Range Entries, uint Weight)[] Entries = [];
        public int Matched;
    }
}
