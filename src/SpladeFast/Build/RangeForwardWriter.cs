using System.Buffers.Binary;
using System.Numerics;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>
/// Writes the bmp forward index (<see cref="RangeForwardLayout"/>) from documents given in docid order: one range
/// of documents is held, regrouped term-major, and streamed to temporary columns; only the per-range offsets stay in
/// memory. The columns hold the unpacked layout; <see cref="CopyTo"/> packs them on the way out when
/// <see cref="CanPack"/> (the largest impact and the fullest range are known only at the end).
/// </summary>
public sealed class RangeForwardWriter : IDisposable
{
    private readonly int _rangeSize;
    private readonly int _documents;
    private readonly int _termLines;
    private readonly ulong[] _rangePairs;
    private readonly ulong[] _rangeEntries;
    private readonly TemporaryColumn<ulong> _termSets;
    private readonly TemporaryColumn<uint> _pairStarts;
    private readonly TemporaryColumn<byte> _entries;
    // The open range's entries, packed term << 24 | document offset << 16 | impact, so one sort groups them by term
    // with documents increasing.
    private ulong[] _open = new ulong[4096];
    private int _openCount;
    private int _document;
    private int _range;
    private readonly ulong[] _termSet;
    private int[] _terms = new int[4096];
    private uint[] _starts = new uint[4096];
    private byte[] _entryBytes = new byte[4096 * RangeForwardLayout.EntryBytes];
    private uint _maxImpact;
    private int _maxRangeEntries;

    /// <param name="termCount">The vocabulary's size (at most 65,536), which sizes every range's term set.</param>
    /// <param name="indexPath">The index being written: the temporary columns are named beside it.</param>
    /// <param name="documents">The index's document count.</param>
    /// <param name="rangeSize">Documents per docid range (at most <see cref="IndexLayout.MaxRangeSize"/>).</param>
    public RangeForwardWriter(string indexPath, int documents, int rangeSize, int termCount)
    {
        if (rangeSize is < 1 or > IndexLayout.MaxRangeSize)
            throw new ArgumentOutOfRangeException(nameof(rangeSize), rangeSize, $"bmp ranges hold 1 to {IndexLayout.MaxRangeSize} documents");
        if (termCount is < 0 or > ushort.MaxValue + 1)
            throw new ArgumentOutOfRangeException(nameof(termCount), termCount, "bmp needs a vocabulary of at most 65,536 terms");
        _rangeSize = rangeSize;
        _documents = documents;
        _termLines = RangeForwardLayout.TermLines(termCount);
        _termSet = new ulong[_termLines * RangeForwardLayout.LineWords];
        int ranges = (documents + rangeSize - 1) / rangeSize;
        _rangePairs = new ulong[ranges + 1];
        _rangeEntries = new ulong[ranges + 1];
        _termSets = new TemporaryColumn<ulong>(indexPath, "term-sets");
        _pairStarts = new TemporaryColumn<uint>(indexPath, "pair-starts");
        _entries = new TemporaryColumn<byte>(indexPath, "entries");
    }

    /// <summary>Documents per range.</summary>
    public int RangeSize => _rangeSize;

    /// <summary>Adds a posting of the current document (terms below the vocabulary's size, impacts below 65,536).</summary>
    public void Add(int term, uint impact)
    {
        if (_openCount == _open.Length)
            Array.Resize(ref _open, _open.Length * 2);
        _open[_openCount++] = (ulong)term << 24 | (ulong)(_document % _rangeSize) << 16 | (ushort)impact;
        _maxImpact = Math.Max(_maxImpact, impact);
    }

    /// <summary>Ends the current document; a full range (or the last document) is flushed to the temporary columns.</summary>
    public void EndDocument()
    {
        if (++_document % _rangeSize == 0 || _document == _documents)
            FlushRange();
    }

    /// <summary>The forward index of term-major postings (indexes composed from lists rather than documents).</summary>
    public static RangeForwardWriter FromPostings(string indexPath, InvertedLists postings, int documents, int rangeSize)
    {
        var forward = ForwardLists.FromPostings(postings, documents);
        var writer = new RangeForwardWriter(indexPath, documents, rangeSize, postings.TermCount);
        for (int d = 0; d < documents; d++)
        {
            var terms = forward.TermsOf(d);
            var impacts = forward.ImpactsOf(d);
            for (int i = 0; i < terms.Length; i++)
                writer.Add(terms[i], impacts[i]);
            writer.EndDocument();
        }
        return writer;
    }

    private void FlushRange()
    {
        var open = _open.AsSpan(0, _openCount);
        open.Sort();
        _maxRangeEntries = Math.Max(_maxRangeEntries, open.Length);
        if (_starts.Length < open.Length)
        {
            int size = Math.Max(open.Length, _starts.Length * 2);
            (_terms, _starts, _entryBytes) = (new int[size], new uint[size], new byte[size * RangeForwardLayout.EntryBytes]);
        }
        int pairs = 0;
        for (int i = 0; i < open.Length; i++)
        {
            int term = (int)(open[i] >> 24);
            if (pairs == 0 || _terms[pairs - 1] != term)
            {
                _terms[pairs] = term;
                _starts[pairs++] = (uint)i;
            }
            var entry = _entryBytes.AsSpan(i * RangeForwardLayout.EntryBytes);
            entry[0] = (byte)(open[i] >> 16);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[1..], (ushort)open[i]);
        }
        FillTermSet(_terms.AsSpan(0, pairs), _termSet);
        _termSets.Append(_termSet);
        _pairStarts.Append(_starts.AsSpan(0, pairs));
        _entries.Append(_entryBytes.AsSpan(0, open.Length * RangeForwardLayout.EntryBytes));
        _range++;
        _rangePairs[_range] = (ulong)_pairStarts.Count;
        _rangeEntries[_range] = (ulong)(_entries.Count / RangeForwardLayout.EntryBytes);
        _openCount = 0;
    }

    /// <summary>
    /// Writes a range's term-set lines (<see cref="RangeForwardLayout"/>): one bit per term of
    /// <paramref name="terms"/> (increasing, below 496 x the lines), each line's rank in its top 16 bits.
    /// </summary>
    public static void FillTermSet(ReadOnlySpan<int> terms, Span<ulong> termSet)
    {
        termSet.Clear();
        foreach (int term in terms)
        {
            var (line, bit) = Math.DivRem(term, RangeForwardLayout.TermsPerLine);
            termSet[line * RangeForwardLayout.LineWords + bit / 64] |= 1ul << (bit % 64);
        }
        ulong rank = 0;
        for (int start = 0; start < termSet.Length; start += RangeForwardLayout.LineWords)
        {
            var words = termSet.Slice(start, RangeForwardLayout.LineWords);
            ulong count = 0;
            foreach (ulong word in words)
                count += (ulong)BitOperations.PopCount(word);
            words[^1] |= rank << 48;
            rank += count;
        }
    }

    /// <summary>
    /// Whether the packed layout holds this forward index: every impact fits a 16-bit entry beside the document
    /// offset, and no range holds more than <see cref="RangeForwardLayout.MaxPackedRangeEntries"/> entries.
    /// </summary>
    public bool CanPack => RangeForwardLayout.ImpactsPack(_maxImpact, _rangeSize) && _maxRangeEntries <= RangeForwardLayout.MaxPackedRangeEntries;

    /// <summary>The section <see cref="CopyTo"/> writes: RangeForwardPacked where <see cref="CanPack"/> (and <paramref name="pack"/>), else RangeForward.</summary>
    public SectionKind SectionFor(bool pack = true) => pack && CanPack ? SectionKind.RangeForwardPacked : SectionKind.RangeForward;

    /// <summary>Writes the section <paramref name="kind"/> names (RangeForwardPacked only where <see cref="CanPack"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is neither layout, or packed where the data does not fit it.</exception>
    public void CopyTo(Stream section, SectionKind kind)
    {
        if (_document != _documents)
            throw new InvalidOperationException($"the forward index holds {_document:N0} of {_documents:N0} documents");
        bool packed = kind switch
        {
            SectionKind.RangeForward => false,
            SectionKind.RangeForwardPacked when CanPack => true,
            _ => throw new ArgumentException($"the forward index cannot be written as {kind}", nameof(kind)),
        };
        int docBits = RangeForwardLayout.DocBits(_rangeSize);
        ulong rangeCount = (ulong)(_rangePairs.Length - 1);
        Span<byte> header = stackalloc byte[RangeForwardLayout.HeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)_rangeSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)rangeCount);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)_pairStarts.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], (ulong)(_entries.Count / RangeForwardLayout.EntryBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)_termLines);
        int impactBits = RangeForwardLayout.ImpactBits(_maxImpact);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], packed ? (ushort)docBits : (ushort)0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], packed ? (ushort)impactBits : (ushort)0);
        section.Write(header);
        section.Write(MemoryMarshal.AsBytes(_rangePairs.AsSpan()));
        section.Write(MemoryMarshal.AsBytes(_rangeEntries.AsSpan()));
        section.Write(new byte[RangeForwardLayout.TermSetsOffset(rangeCount) - RangeForwardLayout.OffsetsEnd(rangeCount)]);
        if (!packed)
        {
            _termSets.CopyTo(section);
            _pairStarts.CopyTo(section);
            _entries.CopyTo(section);
            return;
        }
        WritePackedTermSets(section);
        WriteStartBits(section);
        WritePackedEntries(section, docBits, docBits + impactBits);
    }

    /// <summary>Packed: every entry in <paramref name="entryBits"/> bits, impact &lt;&lt; docBits | document offset, then the padding.</summary>
    private void WritePackedEntries(Stream section, int docBits, int entryBits)
    {
        const int Chunk = 1 << 16;
        var entries = new byte[Chunk * RangeForwardLayout.EntryBytes];
        var output = new byte[Chunk * sizeof(ushort) + 8];
        ulong pending = 0; // bits not yet written, the oldest lowest
        int pendingBits = 0;
        _entries.Rewind();
        for (int read; (read = _entries.Read(entries)) > 0;)
        {
            int count = read / RangeForwardLayout.EntryBytes, written = 0; // the column holds whole entries and the buffer a multiple of them
            for (int i = 0; i < count; i++)
            {
                var entry = entries.AsSpan(i * RangeForwardLayout.EntryBytes, RangeForwardLayout.EntryBytes);
                pending |= (ulong)(BinaryPrimitives.ReadUInt16LittleEndian(entry[1..]) << docBits | entry[0]) << pendingBits;
                for (pendingBits += entryBits; pendingBits >= 8; pendingBits -= 8, pending >>= 8)
                    output[written++] = (byte)pending;
            }
            section.Write(output.AsSpan(0, written));
        }
        if (pendingBits > 0)
            section.Write([(byte)pending]);
        section.Write(new byte[RangeForwardLayout.PackedPadding]);
    }

    /// <summary>Packed: each term-set line's top 16 bits become the range's entries before the line's first pair
    /// (the pair start of its rank, or the range's entries past its last pair).</summary>
    private void WritePackedTermSets(Stream section)
    {
        var lines = new ulong[_termLines * RangeForwardLayout.LineWords];
        var starts = new uint[RangeForwardLayout.MaxPackedRangeEntries];
        _termSets.Rewind();
        _pairStarts.Rewind();
        for (int r = 0; r + 1 < _rangePairs.Length; r++)
        {
            _termSets.Read(lines);
            int pairs = _pairStarts.Read(starts.AsSpan(0, (int)(_rangePairs[r + 1] - _rangePairs[r])));
            ulong entries = _rangeEntries[r + 1] - _rangeEntries[r]; // at most 65,535 (CanPack)
            for (int word = RangeForwardLayout.LineWords - 1; word < lines.Length; word += RangeForwardLayout.LineWords)
            {
                int rank = (int)(lines[word] >> 48);
                ulong before = rank < pairs ? starts[rank] : entries;
                lines[word] = lines[word] & ((1ul << 48) - 1) | before << 48;
            }
            section.Write(MemoryMarshal.AsBytes(lines.AsSpan()));
        }
    }

    /// <summary>Packed: the pair-start bitmap, one bit per entry of the section, set where a pair starts, then the final bit.</summary>
    private void WriteStartBits(Stream section)
    {
        ulong entryCount = (ulong)(_entries.Count / RangeForwardLayout.EntryBytes);
        var words = new ulong[1 << 13];
        ulong firstWord = 0; // the bitmap's word words[0] is
        void Set(ulong bit)
        {
            while (bit / 64 - firstWord >= (ulong)words.Length)
            {
                section.Write(MemoryMarshal.AsBytes(words.AsSpan()));
                Array.Clear(words);
                firstWord += (ulong)words.Length;
            }
            words[bit / 64 - firstWord] |= 1ul << (int)(bit % 64);
        }
        var starts = new uint[RangeForwardLayout.MaxPackedRangeEntries];
        _pairStarts.Rewind();
        for (int r = 0; r + 1 < _rangePairs.Length; r++)
        {
            int pairs = _pairStarts.Read(starts.AsSpan(0, (int)(_rangePairs[r + 1] - _rangePairs[r])));
            foreach (uint start in starts.AsSpan(0, pairs))
                Set(_rangeEntries[r] + start);
        }
        Set(entryCount);
        section.Write(MemoryMarshal.AsBytes(words.AsSpan(0, (int)(RangeForwardLayout.StartWords(entryCount) - firstWord))));
    }

    /// <summary>Deletes the temporary columns.</summary>
    public void Dispose()
    {
        _termSets.Dispose();
        _pairStarts.Dispose();
        _entries.Dispose();
    }
}
