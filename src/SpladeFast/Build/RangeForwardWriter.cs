using System.Buffers.Binary;
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
    private readonly ulong[] _rangePairs;
    private readonly ulong[] _rangeEntries;
    private readonly TemporaryColumn<ushort> _pairTerms;
    private readonly TemporaryColumn<uint> _pairStarts;
    private readonly TemporaryColumn<byte> _entryDocs;
    private readonly TemporaryColumn<ushort> _entryImpacts;
    // The open range's entries, packed term << 24 | document offset << 16 | impact, so one sort groups them by term
    // with documents increasing.
    private ulong[] _open = new ulong[4096];
    private int _openCount;
    private int _document;
    private int _range;
    private ushort[] _terms = new ushort[4096];
    private uint[] _starts = new uint[4096];
    private byte[] _docs = new byte[4096];
    private ushort[] _impacts = new ushort[4096];

    public RangeForwardWriter(string indexPath, int documents, int rangeSize)
    {
        if (rangeSize is < 1 or > IndexLayout.MaxRangeSize)
            throw new ArgumentOutOfRangeException(nameof(rangeSize), rangeSize, $"bmp ranges hold 1 to {IndexLayout.MaxRangeSize} documents");
        _rangeSize = rangeSize;
        _documents = documents;
        int ranges = (documents + rangeSize - 1) / rangeSize;
        _rangePairs = new ulong[ranges + 1];
        _rangeEntries = new ulong[ranges + 1];
        _pairTerms = new TemporaryColumn<ushort>(indexPath, "pair-terms");
        _pairStarts = new TemporaryColumn<uint>(indexPath, "pair-starts");
        _entryDocs = new TemporaryColumn<byte>(indexPath, "entry-docs");
        _entryImpacts = new TemporaryColumn<ushort>(indexPath, "entry-impacts");
    }

    public int RangeSize => _rangeSize;

    /// <summary>Adds a posting of the current document (terms below 65,536, impacts below 65,536).</summary>
    public void Add(int term, uint impact)
    {
        if (_openCount == _open.Length)
            Array.Resize(ref _open, _open.Length * 2);
        _open[_openCount++] = (ulong)term << 24 | (ulong)(_document % _rangeSize) << 16 | (ushort)impact;
    }

    public void EndDocument()
    {
        if (++_document % _rangeSize == 0 || _document == _documents)
            FlushRange();
    }

    /// <summary>The forward index of term-major postings (indexes composed from lists rather than documents).</summary>
    public static RangeForwardWriter FromPostings(string indexPath, InvertedLists postings, int documents, int rangeSize)
    {
        var forward = Rewrite.ForwardLists.FromPostings(postings, documents);
        var writer = new RangeForwardWriter(indexPath, documents, rangeSize);
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
        if (_terms.Length < open.Length)
        {
            int size = Math.Max(open.Length, _terms.Length * 2);
            (_terms, _starts, _docs, _impacts) = (new ushort[size], new uint[size], new byte[size], new ushort[size]);
        }
        int pairs = 0;
        for (int i = 0; i < open.Length; i++)
        {
            ushort term = (ushort)(open[i] >> 24);
            if (pairs == 0 || _terms[pairs - 1] != term)
            {
                _terms[pairs] = term;
                _starts[pairs++] = (uint)i;
            }
            _docs[i] = (byte)(open[i] >> 16);
            _impacts[i] = (ushort)open[i];
        }
        _pairTerms.Append(_terms.AsSpan(0, pairs));
        _pairStarts.Append(_starts.AsSpan(0, pairs));
        _entryDocs.Append(_docs.AsSpan(0, open.Length));
        _entryImpacts.Append(_impacts.AsSpan(0, open.Length));
        _range++;
        _rangePairs[_range] = (ulong)_pairTerms.Count;
        _rangeEntries[_range] = (ulong)_entryDocs.Count;
        _openCount = 0;
    }

    /// <summary>Writes the RangeForward section.</summary>
    public void CopyTo(Stream section)
    {
        if (_document != _documents)
            throw new InvalidOperationException($"the forward index holds {_document:N0} of {_documents:N0} documents");
        Span<byte> header = stackalloc byte[RangeForwardLayout.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)_rangeSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(_rangePairs.Length - 1));
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)_pairTerms.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], (ulong)_entryDocs.Count);
        section.Write(header);
        section.Write(MemoryMarshal.AsBytes(_rangePairs.AsSpan()));
        section.Write(MemoryMarshal.AsBytes(_rangeEntries.AsSpan()));
        _pairTerms.CopyTo(section);
        section.Write(new byte[_pairTerms.Count % 2 * 2]);
        _pairStarts.CopyTo(section);
        _entryDocs.CopyTo(section);
        section.Write(new byte[_entryDocs.Count % 2]);
        _entryImpacts.CopyTo(section);
    }

    public void Dispose()
    {
        _pairTerms.Dispose();
        _pairStarts.Dispose();
        _entryDocs.Dispose();
        _entryImpacts.Dispose();
    }
}
