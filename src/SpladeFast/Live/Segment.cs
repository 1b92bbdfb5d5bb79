using System.IO.Hashing;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Live;

/// <summary>
/// One segment of a live index: an ordinary index file, opened once and shared by every snapshot that lists it.
/// Its lifetime is counted in leases (<see cref="TryAcquire"/>, <see cref="Release"/>): the index holds one while the
/// segment is current, each snapshot one more; the file is unmapped (and, once retired by a merge, deleted) when the
/// last lease ends, so a search never sees it go. Thread-safe.
/// </summary>
public sealed class Segment
{
    private readonly int[] _localTerms;
    private readonly Lazy<(ulong Hash, uint DocId)[]> _ids;
    private readonly Storage.LeaseCount _leases = new();
    private volatile bool _deleteWhenReleased;

    /// <param name="index">The segment's index file, opened.</param>
    /// <param name="vocabulary">The live vocabulary, which already holds every token of the segment.</param>
    internal Segment(SparseIndex index, Vocabulary vocabulary)
    {
        Index = index;
        Name = System.IO.Path.GetFileName(index.Path);
        _localTerms = new int[vocabulary.Count];
        Array.Fill(_localTerms, -1);
        for (int t = 0; t < index.TermCount; t++)
        {
            if (!vocabulary.TryGetId(index.Vocabulary[t], out int union))
                throw new ArgumentException($"{index.Path}: token '{index.Vocabulary[t]}' is not in the live vocabulary", nameof(vocabulary));
            _localTerms[union] = t;
        }
        _ids = new Lazy<(ulong, uint)[]>(IdTable);
        if (index.DocumentCount > 0)
        {
            FirstSequence = index.SequenceNumber(0);
            LastSequence = index.SequenceNumber((uint)index.DocumentCount - 1);
        }
    }

    /// <summary>The segment file's name (seg_N.sfi).</summary>
    public string Name { get; }
    /// <summary>The segment's index file, opened.</summary>
    public SparseIndex Index { get; }
    /// <summary>Documents in the segment, deleted ones included.</summary>
    public int DocumentCount => Index.DocumentCount;

    /// <summary>The smallest and largest sequence numbers of the segment's documents.</summary>
    public uint FirstSequence { get; }
    /// <summary>The largest sequence number (see <see cref="FirstSequence"/>).</summary>
    public uint LastSequence { get; }

    /// <summary>The segment's term id for a live term id, or -1.</summary>
    public int LocalTerm(int liveTerm) => (uint)liveTerm < (uint)_localTerms.Length ? _localTerms[liveTerm] : -1;

    /// <summary>Live term id -> segment term id (-1: absent); ids past its end are absent too.</summary>
    internal int[] LocalTerms => _localTerms;

    /// <summary>The docid of document <paramref name="id"/>, deleted or not, or -1.</summary>
    public long Find(string id)
    {
        var table = _ids.Value;
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(id);
        ulong hash = XxHash3.HashToUInt64(utf8);
        int i = BinarySearchFirst(table, hash);
        for (; i < table.Length && table[i].Hash == hash; i++)
        {
            if (Index.DocumentIdUtf8(table[i].DocId).SequenceEqual(utf8))
                return table[i].DocId;
        }
        return -1;
    }

    /// <summary>The docid holding sequence number <paramref name="sequence"/>, or -1.</summary>
    public long FindSequence(uint sequence)
    {
        if (DocumentCount == 0 || sequence < FirstSequence || sequence > LastSequence)
            return -1;
        int low = 0, high = DocumentCount - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            uint found = Index.SequenceNumber((uint)middle);
            if (found == sequence)
                return middle;
            if (found < sequence)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return -1;
    }

    /// <summary>Takes a lease; false once the segment is closed (the caller then looks at a newer snapshot).</summary>
    public bool TryAcquire() => _leases.TryAcquire();

    /// <summary>Ends a lease; the last one closes the segment (and deletes its file if it was retired).</summary>
    /// <exception cref="InvalidOperationException">More releases than leases.</exception>
    public void Release()
    {
        if (!_leases.Release($"segment {Name}"))
            return;
        string path = Index.Path;
        Index.Dispose();
        if (_deleteWhenReleased)
            TryDelete(path);
    }

    /// <summary>Marks the file for deletion when the last lease ends (a merge replaced the segment).</summary>
    internal void DeleteWhenReleased() => _deleteWhenReleased = true;

    /// <summary>Leases held now (the index's own included).</summary>
    public int Leases => _leases.Current;

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover file is removed when the index is next opened for writing.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private (ulong Hash, uint DocId)[] IdTable()
    {
        var table = new (ulong Hash, uint DocId)[DocumentCount];
        for (uint d = 0; d < table.Length; d++)
            table[d] = (XxHash3.HashToUInt64(Index.DocumentIdUtf8(d)), d);
        Array.Sort(table);
        return table;
    }

    private static int BinarySearchFirst((ulong Hash, uint DocId)[] table, ulong hash)
    {
        int low = 0, high = table.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (table[middle].Hash < hash)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }
}
