using System.Buffers.Binary;

namespace SpladeFast.Build;

/// <summary>
/// Collects the forward index while the fill pass walks documents in docid order: entries stream to a temporary
/// file (1.2 billion postings would not fit in memory twice), offsets stay in memory.
/// </summary>
public sealed class ForwardIndexWriter : IDisposable
{
    private readonly string _temporaryPath;
    private readonly FileStream _entries;
    private readonly ulong[] _offsets;
    private readonly byte[] _entry = new byte[4];
    private int _document;
    private ulong _count;

    public ForwardIndexWriter(string indexPath, int documents)
    {
        _temporaryPath = $"{Path.GetFullPath(indexPath)}.forward-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
        _entries = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
        _offsets = new ulong[documents + 1];
    }

    public void Add(int term, uint impact)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_entry, (ushort)term);
        BinaryPrimitives.WriteUInt16LittleEndian(_entry.AsSpan(2), (ushort)impact);
        _entries.Write(_entry);
        _count++;
    }

    public void EndDocument() => _offsets[++_document] = _count;

    /// <summary>The forward index of term-major postings (for indexes composed from lists rather than documents).</summary>
    public static ForwardIndexWriter FromPostings(string indexPath, InvertedLists postings, int documents)
    {
        var forward = Rewrite.ForwardLists.FromPostings(postings, documents);
        var writer = new ForwardIndexWriter(indexPath, documents);
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

    /// <summary>Writes the Forward section: entry count, document offsets, entries.</summary>
    public void CopyTo(Stream section)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(word, _count);
        section.Write(word);
        section.Write(MemoryMarshal.AsBytes(_offsets.AsSpan()));
        _entries.Flush();
        _entries.Position = 0;
        _entries.CopyTo(section, 1 << 20);
    }

    public void Dispose() => _entries.Dispose();
}
