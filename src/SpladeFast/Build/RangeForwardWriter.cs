using System.Buffers.Binary;
using System.Numerics;
using SpladeFast.Format;

namespace SpladeFast.Build;

/// <summary>
/// Writes the bmp forward index (<see cref="RangeForwardLayout"/>) from documents given in docid order: one range
/// of documents is held, regrouped term-major, and streamed to temporary columns; only the per-range offsets stay in
/// memory.
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

    /// <summary>Writes the RangeForward section.</summary>
    public void CopyTo(Stream section)
    {
        if (_document != _documents)
            throw new InvalidOperationException($"the forward index holds {_document:N0} of {_documents:N0} documents");
        ulong rangeCount = (ulong)(_rangePairs.Length - 1);
        Span<byte> header = stackalloc byte[RangeForwardLayout.HeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)_rangeSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)rangeCount);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)_pairStarts.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], (ulong)(_entries.Count / RangeForwardLayout.EntryBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)_termLines);
        section.Write(header);
        section.Write(MemoryMarshal.AsBytes(_rangePairs.AsSpan()));
        section.Write(MemoryMarshal.AsBytes(_rangeEntries.AsSpan()));
        section.Write(new byte[RangeForwardLayout.TermSetsOffset(rangeCount) - RangeForwardLayout.OffsetsEnd(rangeCount)]);
        _termSets.CopyTo(section);
        _pairStarts.CopyTo(section);
        _entries.CopyTo(section);
    }

    /// <summary>Deletes the temporary columns.</summary>
    public void Dispose()
    {
        _termSets.Dispose();
        _pairStarts.Dispose();
        _entries.Dispose();
    }
}
