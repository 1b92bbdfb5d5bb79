using System.Collections.Immutable;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Live;

/// <summary>A segment as one snapshot sees it: the segment and its deleted documents then.</summary>
public sealed record SegmentView(Segment Segment, DeletedDocuments Deleted)
{
    /// <summary>Documents of the segment not deleted in this snapshot.</summary>
    public int LiveDocuments => Segment.DocumentCount - Deleted.Count;
}

/// <summary>Where a document of a snapshot is: segment <c>Segment</c>'s docid, or (Segment -1) the buffer's position.</summary>
public readonly record struct DocumentLocation(int Segment, uint Position);

/// <summary>
/// One consistent state of a live index, never changed: its segments with their deletes, the prefix of the memory
/// buffer it covers with that prefix's deletes, and the vocabulary its queries are read against. A search leases a
/// snapshot (<see cref="TryAcquire"/>/<see cref="Release"/>) and the snapshot leases its segments, so nothing it
/// reads is closed before the search ends.
/// </summary>
public sealed class LiveSnapshot
{
    private readonly Storage.LeaseCount _leases = new();

    internal LiveSnapshot(long generation, long version, LiveSettings settings, IReadOnlyList<SegmentView> segments,
        MemoryBuffer buffer, int bufferCount, ImmutableHashSet<int> bufferDeleted, Vocabulary vocabulary)
    {
        Generation = generation;
        Version = version;
        Settings = settings;
        Segments = segments;
        Buffer = buffer;
        BufferCount = bufferCount;
        BufferDeleted = bufferDeleted;
        Vocabulary = vocabulary;
        foreach (var view in segments)
        {
            if (!view.Segment.TryAcquire())
                throw new InvalidOperationException($"segment {view.Segment.Name} was closed before a snapshot could lease it");
        }
    }

    /// <summary>The commit point generation this state was last committed as (later writes may be in the log only).</summary>
    public long Generation { get; }

    /// <summary>Grows with every acknowledged write, flush and merge.</summary>
    public long Version { get; }

    /// <summary>The live index's settings.</summary>
    public LiveSettings Settings { get; }
    /// <summary>The segments, in sequence order, with their deletes as of this snapshot.</summary>
    public IReadOnlyList<SegmentView> Segments { get; }
    /// <summary>The memory buffer, of which this snapshot covers the first <see cref="BufferCount"/> documents.</summary>
    public MemoryBuffer Buffer { get; }

    /// <summary>Buffer documents this snapshot covers (positions 0..BufferCount-1).</summary>
    public int BufferCount { get; }

    /// <summary>Buffer positions deleted or replaced.</summary>
    public ImmutableHashSet<int> BufferDeleted { get; }

    /// <summary>Every token of the snapshot's documents; query term ids are its ids.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>impact = weight x ImpactScale, as in every segment.</summary>
    public double ImpactScale => Settings.Scale;

    /// <summary>Buffer documents neither deleted nor replaced.</summary>
    public int BufferLiveDocuments => BufferCount - BufferDeleted.Count;

    /// <summary>Documents a search can return.</summary>
    public long DocumentCount => Segments.Sum(s => (long)s.LiveDocuments) + BufferLiveDocuments;

    /// <summary>Whether every segment has bmp range data.</summary>
    public bool HasRanges => Segments.All(s => s.Segment.Index.Ranges is not null);

    /// <summary>The algorithm a name asks for at depth <paramref name="k"/> (auto: by the largest segment).</summary>
    public Algorithms.ISearchAlgorithm Algorithm(string name, int k) =>
        Algorithms.SearchAlgorithms.Resolve(name, HasRanges, k, Segments.Count == 0 ? 0 : Segments.Max(s => (long)s.Segment.DocumentCount));

    /// <summary>Where the document with sequence number <paramref name="sequence"/> is, or null.</summary>
    public DocumentLocation? Locate(uint sequence)
    {
        for (int s = 0; s < Segments.Count; s++)
        {
            if (Segments[s].Segment.FindSequence(sequence) is var docId and >= 0)
                return new DocumentLocation(s, (uint)docId);
        }
        int low = 0, high = BufferCount - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            uint found = Buffer[middle].Sequence;
            if (found == sequence)
                return new DocumentLocation(-1, (uint)middle);
            if (found < sequence)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return null;
    }

    /// <summary>The id of the document with sequence number <paramref name="sequence"/> (as hits carry it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No document has it.</exception>
    public string DocumentId(uint sequence) => Locate(sequence) is { } location ? DocumentId(location)
        : throw new ArgumentOutOfRangeException(nameof(sequence), $"no document has sequence number {sequence}");

    /// <summary>The id of the document at <paramref name="location"/>.</summary>
    public string DocumentId(DocumentLocation location) =>
        location.Segment < 0 ? Buffer[(int)location.Position].Id : Segments[location.Segment].Segment.Index.DocumentId(location.Position);

    /// <summary>A document's stored source (its line without the vector), or null when its segment stores none.</summary>
    public byte[]? StoredSource(DocumentLocation location) => location.Segment < 0
        ? StoredFields.SourceOf(Buffer[(int)location.Position].Source)
        : Segments[location.Segment].Segment.Index.StoredFields?.Get(location.Position);

    /// <summary>Every live document's location, by increasing sequence number (the order a fresh build would take).</summary>
    public IEnumerable<(uint Sequence, DocumentLocation Location)> LiveDocuments()
    {
        var all = new List<(uint, DocumentLocation)>();
        for (int s = 0; s < Segments.Count; s++)
        {
            var view = Segments[s];
            for (uint d = 0; d < (uint)view.Segment.DocumentCount; d++)
            {
                if (!view.Deleted.Contains(d))
                    all.Add((view.Segment.Index.SequenceNumber(d), new DocumentLocation(s, d)));
            }
        }
        for (int p = 0; p < BufferCount; p++)
        {
            if (!BufferDeleted.Contains(p))
                all.Add((Buffer[p].Sequence, new DocumentLocation(-1, (uint)p)));
        }
        all.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return all;
    }

    /// <summary>Takes a lease; false once the snapshot is released for good (take the index's current one again).</summary>
    public bool TryAcquire() => _leases.TryAcquire();

    /// <summary>Ends a lease; the last one releases the segments' leases.</summary>
    public void Release()
    {
        if (_leases.Release("snapshot"))
        {
            foreach (var view in Segments)
                view.Segment.Release();
        }
    }
}
