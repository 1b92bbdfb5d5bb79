using SpladeFast.Build;
using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Quantize;

namespace SpladeFast.Shards;

/// <summary>
/// One index read by a merge: its term id for each merged term id (-1: absent) and each of its docids' docid in the
/// merged index (<see cref="ShardMerger.Dropped"/>: left out, as a live segment's deleted documents are).
/// </summary>
public sealed record MergeSource(SparseIndex Index, int[] LocalTerms, uint[] NewIds);

/// <summary>
/// Merges shards into one index in global document order, over the union vocabulary: searching the result
/// gives exactly what searching the <see cref="ShardSet"/> gives, docids renumbered densely. The same merge joins a
/// live index's segments (<see cref="Live.SegmentWriter"/>).
/// </summary>
public static class ShardMerger
{
    /// <summary>The new docid of a document the merge leaves out.</summary>
    public const uint Dropped = uint.MaxValue;

    /// <param name="shards">The shards, merged in their global document order.</param>
    /// <param name="outputPath">The merged index, written atomically.</param>
    /// <param name="progress">Receives the merge's stages.</param>
    /// <returns>The merged index's size in bytes.</returns>
    /// <param name="rangeSize">Docs per bmp range for the merged index; null keeps the shards' own (if they all have the same).</param>
    public static long Write(ShardSet shards, string outputPath, int? rangeSize = null, IProgress<BuildProgress>? progress = null)
    {
        var (newIds, documentIds) = Renumber(shards);
        int terms = shards.Vocabulary.Count;
        var sources = Enumerable.Range(0, shards.Shards.Count)
            .Select(s => new MergeSource(shards.Shards[s], shards.LocalTerms(s) ?? Enumerable.Range(0, terms).ToArray(), newIds[s])).ToList();
        var first = shards.Shards[0];
        var properties = new Dictionary<string, string>(first.Metadata.Properties);
        properties.Remove(ShardSpec.PropertyName);
        properties["merged"] = string.Join(",", shards.Shards.Select(s => Path.GetFileName(s.Path)));
        var metadata = first.Metadata with
        {
            Properties = properties,
            Inputs = shards.Shards.SelectMany(s => s.Metadata.Inputs).Distinct().ToList(),
            SkippedRecords = shards.Shards.Max(s => s.Metadata.SkippedRecords),
        };
        return Write(sources, shards.Vocabulary.Tokens, documentIds, shards.NeedsSortedMerge, metadata, rangeSize ?? CommonRangeSize(shards), null, outputPath, progress);
    }

    /// <summary>
    /// Writes the documents of <paramref name="sources"/> that are not dropped as one index: merged term t's postings
    /// are every source's postings of its local term, docids renumbered.
    /// </summary>
    /// <param name="sources">Each source index with its local-to-merged term map and new docids.</param>
    /// <param name="vocabulary">The merged index's tokens, by merged term id.</param>
    /// <param name="documentIds">The merged index's document ids, by new docid.</param>
    /// <param name="sortLists">Whether a list gathered source by source can leave docids out of order (it is then sorted).</param>
    /// <param name="sequence">The merged documents' live sequence numbers (null: none).</param>
    /// <param name="metadata">The merged index's metadata (its counts are set by the writer).</param>
    /// <param name="rangeSize">Documents per bmp range (0: no bmp data).</param>
    /// <param name="outputPath">The merged index, written atomically.</param>
    /// <param name="progress">Receives the merge's stages.</param>
    /// <returns>The merged index's size in bytes.</returns>
    public static long Write(IReadOnlyList<MergeSource> sources, IReadOnlyList<string> vocabulary, IReadOnlyList<string> documentIds,
        bool sortLists, IndexMetadata metadata, int rangeSize, uint[]? sequence, string outputPath, IProgress<BuildProgress>? progress = null)
    {
        int terms = vocabulary.Count;
        bool dropsAny = sources.Any(s => s.NewIds.Contains(Dropped));
        var starts = new long[terms + 1];
        for (int t = 0; t < terms; t++)
        {
            long count = 0;
            foreach (var source in sources)
                count += source.LocalTerms[t] >= 0 ? source.Index.Postings(source.LocalTerms[t]).PostingCount : 0;
            starts[t + 1] = starts[t] + count;
        }
        var postings = InvertedLists.Allocate(starts);
        var cursor = new BlockPostingCursor[1];
        long slot = 0;
        for (int t = 0; t < terms; t++)
        {
            long start = slot;
            starts[t] = start; // with dropped documents the lists move down: the counts above were upper bounds
            foreach (var source in sources)
            {
                if (source.LocalTerms[t] < 0)
                    continue;
                ref var c = ref cursor[0];
                for (c.Reset(source.Index.Postings(source.LocalTerms[t]), 1); c.DocId != PostingCursor.End; c.Next())
                {
                    uint newId = source.NewIds[c.DocId];
                    if (newId == Dropped)
                        continue;
                    postings.DocIds[slot] = newId;
                    postings.Impacts[slot++] = (ushort)c.Score;
                }
            }
            if (sortLists)
                postings.DocIds.AsSpan((int)start, (int)(slot - start)).Sort(postings.Impacts.AsSpan((int)start, (int)(slot - start)));
            if ((t & 1023) == 0)
                progress?.Report(new BuildProgress("merging", t, terms, "terms"));
        }
        starts[terms] = slot;
        if (dropsAny)
            postings = new InvertedLists(starts, postings.DocIds[..(int)slot], postings.Impacts[..(int)slot]);
        progress?.Report(new BuildProgress("merging", terms, terms, "terms"));
        var first = sources[0].Index;
        var contents = new IndexContents(metadata, vocabulary, documentIds, postings,
            new ImpactQuantizer(first.ImpactScale, (int)first.Header.QuantBits), rangeSize, Forward: null, Sequence: sequence,
            StoredFields: MergeStoredFields(sources, documentIds.Count));
        return IndexComposer.Write(outputPath, contents, progress);
    }

    /// <summary>The sources' stored fields in merged docid order; null unless every source stores them.</summary>
    private static StoredFieldsWriter? MergeStoredFields(IReadOnlyList<MergeSource> sources, int documents)
    {
        if (sources.Any(s => s.Index.StoredFields is null))
            return null;
        var origin = new (int Source, uint DocId)[documents];
        for (int s = 0; s < sources.Count; s++)
        {
            for (uint d = 0; d < (uint)sources[s].NewIds.Length; d++)
            {
                if (sources[s].NewIds[d] != Dropped)
                    origin[sources[s].NewIds[d]] = (s, d);
            }
        }
        var stored = new StoredFieldsWriter();
        foreach (var (source, docId) in origin)
            stored.Add(sources[source].Index.StoredFields!.Get(docId));
        return stored;
    }

    /// <summary>New dense docids in global input order: newIds[shard][local], and the document ids in that order.</summary>
    private static (uint[][] NewIds, string[] DocumentIds) Renumber(ShardSet shards)
    {
        var newIds = shards.Shards.Select(s => new uint[s.DocumentCount]).ToArray();
        var documentIds = new string[shards.TotalDocuments];
        uint next = 0;
        for (uint global = 0; global < shards.DocumentCount; global++)
        {
            var (shard, local) = shards.LocateOrdinal(global);
            if (shard < 0)
                continue;
            newIds[shard][local] = next;
            documentIds[next++] = shards.Shards[shard].DocumentId(local);
        }
        return (newIds, documentIds);
    }

    private static int CommonRangeSize(ShardSet shards)
    {
        var sizes = shards.Shards.Select(s => s.Ranges?.RangeSize ?? 0).Distinct().ToList();
        return sizes.Count == 1 ? sizes[0] : 0;
    }
}
