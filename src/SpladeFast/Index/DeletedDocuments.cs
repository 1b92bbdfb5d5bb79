using System.Numerics;
using System.Runtime.CompilerServices;
using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>
/// The documents of one index (a live segment) that are deleted, as a bitmap over its docids: Lucene's live-docs
/// bits, inverted. Immutable: <see cref="With"/> copies, so a search holds one consistent set while writers
/// delete more. The top-k queue consults it only for documents that would otherwise enter.
/// </summary>
public sealed class DeletedDocuments
{
    private readonly ulong[] _bits;

    private DeletedDocuments(ulong[] bits, int documentCount, int count)
    {
        _bits = bits;
        DocumentCount = documentCount;
        Count = count;
    }

    /// <summary>No document deleted.</summary>
    public static DeletedDocuments None(int documentCount) => new(new ulong[(documentCount + 63) / 64], documentCount, 0);

    /// <summary>The set whose words are <paramref name="bits"/> (bit d of word d / 64 set: document d deleted).</summary>
    /// <exception cref="ArgumentException">The words do not match the document count, or mark a document past it.</exception>
    public static DeletedDocuments FromBits(ulong[] bits, int documentCount)
    {
        if (bits.Length != (documentCount + 63) / 64)
            throw new ArgumentException($"{bits.Length} words for {documentCount} documents", nameof(bits));
        if (documentCount % 64 != 0 && bits.Length > 0 && bits[^1] >> (documentCount % 64) != 0)
            throw new ArgumentException("a document past the last one is marked", nameof(bits));
        int count = 0;
        foreach (ulong word in bits)
            count += BitOperations.PopCount(word);
        return new DeletedDocuments(bits, documentCount, count);
    }

    /// <summary>Documents the bitmap covers (the segment's).</summary>
    public int DocumentCount { get; }

    /// <summary>Documents deleted.</summary>
    public int Count { get; }

    /// <summary>The words of the bitmap, for writing it out.</summary>
    public ReadOnlySpan<ulong> Bits => _bits;

    /// <summary>Whether <paramref name="docId"/> is deleted (docId &lt; <see cref="DocumentCount"/>, unchecked beyond the array's bound).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(uint docId) => (_bits[docId >> 6] & (1UL << (int)(docId & 63))) != 0;

    /// <summary>This set and <paramref name="docIds"/>; itself when nothing is new.</summary>
    public DeletedDocuments With(IEnumerable<uint> docIds)
    {
        ulong[]? bits = null;
        int count = Count;
        foreach (uint docId in docIds)
        {
            if (docId >= (uint)DocumentCount)
                ThrowHelper.ArgumentOutOfRange(nameof(docIds), "No such document.");
            if (Contains(docId) || (bits is not null && (bits[docId >> 6] & (1UL << (int)(docId & 63))) != 0))
                continue;
            bits ??= (ulong[])_bits.Clone();
            bits[docId >> 6] |= 1UL << (int)(docId & 63);
            count++;
        }
        return bits is null ? this : new DeletedDocuments(bits, DocumentCount, count);
    }
}
