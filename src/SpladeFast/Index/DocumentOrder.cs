using System.Runtime.CompilerServices;
using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>
/// Each document's input ordinal, its position in the input the index was built from, which breaks score ties so
/// that results do not depend on the physical docid order: an index renumbered by <c>--reorder bp</c> answers
/// exactly what the plain index over the same input answers, ties included. The default value is the identity
/// (ordinal = docid): plain builds, imports and merges store no section. See <see cref="DocumentOrderLayout"/>.
/// </summary>
public readonly unsafe struct DocumentOrder
{
    private readonly uint* _ordinals;
    private readonly uint* _docIds;
    private readonly uint _count;

    private DocumentOrder(uint* ordinals, uint* docIds, uint count)
    {
        _ordinals = ordinals;
        _docIds = docIds;
        _count = count;
    }

    /// <summary>True when ordinals equal docids (no DocumentOrder section).</summary>
    public bool IsIdentity => _ordinals == null;

    /// <summary>The input ordinal of an internal docid.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such document (a damaged posting list can decode one).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Ordinal(uint docId) => _ordinals == null ? docId : _ordinals[Checked(docId)];

    /// <summary>The internal docid of an input ordinal.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such document.</exception>
    public uint DocId(uint ordinal) => _docIds == null ? ordinal : _docIds[Checked(ordinal)];

    private uint Checked(uint position)
    {
        if (position >= _count)
            ThrowHelper.ArgumentOutOfRange(nameof(position), "No such document.");
        return position;
    }

    /// <summary>
    /// Reads the section and checks that its two arrays are inverse permutations of 0..documents-1, so no later
    /// lookup can leave them.
    /// </summary>
    /// <exception cref="IndexCorruptException">The section has the wrong size or is not a permutation.</exception>
    internal static DocumentOrder Read(string path, byte* section, ulong length, ulong documents)
    {
        if (length != DocumentOrderLayout.Length(documents))
            ThrowHelper.Corrupt(path, $"section {SectionKind.DocumentOrder} has a bad size");
        var ordinals = (uint*)section;
        var docIds = ordinals + documents;
        for (ulong d = 0; d < documents; d++)
        {
            uint ordinal = ordinals[d];
            if (ordinal >= documents || docIds[ordinal] != d)
                ThrowHelper.Corrupt(path, $"section {SectionKind.DocumentOrder}: document {d} has no consistent input ordinal");
        }
        return new DocumentOrder(ordinals, docIds, (uint)documents);
    }
}
