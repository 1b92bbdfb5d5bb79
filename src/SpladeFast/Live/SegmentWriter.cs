using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Quantize;
using SpladeFast.Shards;

namespace SpladeFast.Live;

/// <summary>
/// Writes segments: the memory buffer's live documents as a new one (through <see cref="IndexComposer"/>, as a
/// build does), or several segments' live documents as one (through <see cref="ShardMerger"/>, as shard merges do).
/// Either way documents follow sequence order, recorded in the <see cref="Format.SectionKind.Sequence"/> section, and
/// the segment's vocabulary is its terms in live term-id order.
/// </summary>
public static class SegmentWriter
{
    /// <summary>The metadata property naming the live index a segment belongs to.</summary>
    public const string SegmentProperty = "live.segment";

    /// <summary>Writes <paramref name="documents"/> (increasing sequence numbers) as segment <paramref name="path"/>.</summary>
    public static long WriteBuffer(string path, IReadOnlyList<BufferedDocument> documents, Vocabulary vocabulary, LiveSettings settings)
    {
        // Live term id -> the segment's term id (-1: unused), in live term-id order.
        var local = new int[vocabulary.Count];
        foreach (var document in documents)
        {
            foreach (int term in document.Terms)
                local[term] = 1;
        }
        var liveTerms = new List<int>();
        for (int term = 0; term < local.Length; term++)
        {
            local[term] = local[term] == 0 ? -1 : liveTerms.Count;
            if (local[term] >= 0)
                liveTerms.Add(term);
        }
        var starts = new long[liveTerms.Count + 1];
        foreach (var document in documents)
        {
            foreach (int term in document.Terms)
                starts[local[term] + 1]++;
        }
        for (int t = 0; t < liveTerms.Count; t++)
            starts[t + 1] += starts[t];
        var postings = InvertedLists.Allocate(starts);
        var next = (long[])starts.Clone();
        var sequence = new uint[documents.Count];
        var stored = new StoredFieldsWriter();
        for (int d = 0; d < documents.Count; d++)
        {
            var document = documents[d];
            sequence[d] = document.Sequence;
            stored.Add(StoredFields.SourceOf(document.Source));
            for (int i = 0; i < document.Terms.Length; i++)
            {
                long slot = next[local[document.Terms[i]]]++;
                postings.DocIds[slot] = (uint)d;
                postings.Impacts[slot] = document.Impacts[i];
            }
        }
        var contents = new IndexContents(Metadata(path, ["buffer"]), liveTerms.Select(t => vocabulary[t]).ToArray(),
            documents.Select(d => d.Id).ToArray(), postings, ImpactQuantizer.Fixed(settings.Scale), settings.RangeSize, Forward: null, Sequence: sequence, StoredFields: stored);
        return IndexComposer.Write(path, contents, progress: null);
    }

    /// <summary>
    /// Writes the documents of <paramref name="sources"/> not in their deletes as segment <paramref name="path"/>, in
    /// sequence order; returns each source docid's new docid (<see cref="ShardMerger.Dropped"/> for deleted ones).
    /// </summary>
    public static uint[][] Merge(string path, IReadOnlyList<SegmentView> sources, Vocabulary vocabulary, LiveSettings settings, IProgress<BuildProgress>? progress = null)
    {
        var live = new List<(uint Sequence, int Source, uint DocId)>();
        for (int s = 0; s < sources.Count; s++)
        {
            var index = sources[s].Segment.Index;
            for (uint d = 0; d < (uint)index.DocumentCount; d++)
            {
                if (!sources[s].Deleted.Contains(d))
                    live.Add((index.SequenceNumber(d), s, d));
            }
        }
        live.Sort();
        var newIds = sources.Select(s => Enumerable.Repeat(ShardMerger.Dropped, s.Segment.DocumentCount).ToArray()).ToArray();
        var documentIds = new string[live.Count];
        var sequence = new uint[live.Count];
        for (int i = 0; i < live.Count; i++)
        {
            var (number, source, docId) = live[i];
            newIds[source][docId] = (uint)i;
            documentIds[i] = sources[source].Segment.Index.DocumentId(docId);
            sequence[i] = number;
        }
        // The merged vocabulary: every source term, in live term-id order.
        var used = new SortedSet<int>();
        foreach (var source in sources)
        {
            var map = source.Segment.LocalTerms;
            for (int t = 0; t < map.Length; t++)
            {
                if (map[t] >= 0)
                    used.Add(t);
            }
        }
        var liveTerms = used.ToArray();
        var mergeSources = sources.Select((source, s) => new MergeSource(source.Segment.Index,
            liveTerms.Select(t => source.Segment.LocalTerm(t)).ToArray(), newIds[s])).ToList();
        ShardMerger.Write(mergeSources, liveTerms.Select(t => vocabulary[t]).ToArray(), documentIds, sortLists: sources.Count > 1,
            Metadata(path, sources.Select(s => s.Segment.Name)), settings.RangeSize, sequence, path, progress);
        return newIds;
    }

    private static IndexMetadata Metadata(string path, IEnumerable<string> inputs) => new()
    {
        Vocabulary = "live",
        Quantization = ImpactQuantizer.Fixed().Describe(),
        Inputs = inputs.ToList(),
        Properties = new Dictionary<string, string> { [SegmentProperty] = Path.GetFileName(path) },
    };
}
