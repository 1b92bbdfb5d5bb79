using SpladeFast.Build;

namespace SpladeFast.Shards;

/// <summary>
/// Where each shard's documents fall in the global document order: shards built with <c>index --shard i/n</c>
/// interleave (global = local x n + i); any other shards follow each other in the order given. Needs only each
/// shard's part (the index metadata's <see cref="ShardSpec.PropertyName"/>) and document count, so a cluster
/// gateway computes it from shard descriptions without opening the files.
/// </summary>
public sealed class ShardLayout
{
    private readonly uint[] _firstDocId;
    private readonly int[] _parts;
    private readonly long[] _documentCounts;
    private readonly int _interleave;

    /// <param name="specs">Each shard's part, or null for a shard not built with <c>--shard</c>.</param>
    /// <param name="documentCounts">Each shard's document count.</param>
    /// <param name="names">Each shard's name, for errors.</param>
    /// <exception cref="InvalidOperationException">Round-robin parts mixed with other indexes, of different n, or a part twice.</exception>
    public ShardLayout(IReadOnlyList<ShardSpec?> specs, IReadOnlyList<long> documentCounts, IReadOnlyList<string> names)
    {
        _documentCounts = [.. documentCounts];
        (_interleave, _parts) = Interleaving(specs, names);
        _firstDocId = new uint[documentCounts.Count + 1];
        for (int s = 0; s < documentCounts.Count; s++)
            _firstDocId[s + 1] = checked(_firstDocId[s] + (uint)documentCounts[s]);
        DocumentCount = _interleave == 0 ? _firstDocId[^1]
            : documentCounts.Select((count, s) => count == 0 ? 0u : checked((uint)(count - 1) * (uint)_interleave + (uint)_parts[s] + 1)).Max();
    }

    /// <summary>One past the largest global docid (with a missing round-robin part, some ids are unused).</summary>
    public uint DocumentCount { get; }

    /// <summary>True when the shards are round-robin parts (<c>index --shard</c>) rather than consecutive pieces.</summary>
    public bool IsInterleaved => _interleave > 0;

    /// <summary>A shard's local id (docid or input ordinal) in the global order: consecutive, or local x n + part.</summary>
    public uint Combine(int shard, uint local) =>
        _interleave == 0 ? _firstDocId[shard] + local : local * (uint)_interleave + (uint)_parts[shard];

    /// <summary>The shard and local id of a global id, or (-1, 0) for an unused one.</summary>
    public (int Shard, uint Local) Split(uint global)
    {
        if (_interleave == 0)
        {
            int shard = Array.BinarySearch(_firstDocId, global);
            shard = shard >= 0 ? shard : ~shard - 1;
            while (shard < _documentCounts.Length && _firstDocId[shard + 1] == global)
                shard++;
            return shard < _documentCounts.Length ? (shard, global - _firstDocId[shard]) : (-1, 0);
        }
        int s = Array.IndexOf(_parts, (int)(global % (uint)_interleave));
        uint local = global / (uint)_interleave;
        return s >= 0 && local < (ulong)_documentCounts[s] ? (s, local) : (-1, 0);
    }

    private static (int Interleave, int[] Parts) Interleaving(IReadOnlyList<ShardSpec?> specs, IReadOnlyList<string> names)
    {
        if (specs.Count == 1 || specs.All(s => s is null))
            return (0, new int[specs.Count]);
        if (specs.Any(s => s is null) || specs.Select(s => s!.Value.Parts).Distinct().Count() != 1)
        {
            throw new InvalidOperationException("mixing round-robin shards (index --shard i/n) with other indexes, or shards of different n, has no single document order: "
                + string.Join(", ", names.Select((name, s) => $"{name} ({specs[s]?.ToString() ?? "whole"})")));
        }
        var parts = specs.Select(s => s!.Value.Part).ToArray();
        if (parts.Distinct().Count() != parts.Length)
            throw new InvalidOperationException($"shard part given twice: {string.Join(", ", names.Select((name, s) => $"{name} ({specs[s]})"))}");
        return (specs[0]!.Value.Parts, parts);
    }
}
