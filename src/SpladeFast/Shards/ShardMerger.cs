using SpladeFast.Build;
using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Quantize;

namespace SpladeFast.Shards;

/// <summary>
/// Merges shards into one index in global document order, over the union vocabulary: searching the result
/// gives exactly what searching the <see cref="ShardSet"/> gives, docids renumbered densely.
/// </summary>
public static class ShardMerger
{
    /// <param name="rangeSize">Docs per bmp range for the merged index; null keeps the shards' own (if they all have the same).</param>
    public static long Write(ShardSet shards, string outputPath, int? rangeSize = null, IProgress<BuildProgress>? progress = null)
    {
        var (newIds, documentIds) = Renumber(shards);
        int terms = shards.Vocabulary.Count;
        var localTerms = Enumerable.Range(0, shards.Shards.Count).Select(s => shards.LocalTerms(s) ?? Enumerable.Range(0, terms).ToArray()).ToArray();
        var starts = new long[terms + 1];
        for (int t = 0; t < terms; t++)
        {
            long count = 0;
            for (int s = 0; s < localTerms.Length; s++)
                count += localTerms[s][t] >= 0 ? shards.Shards[s].Postings(localTerms[s][t]).PostingCount : 0;
            starts[t + 1] = starts[t] + count;
        }
        var postings = InvertedLists.Allocate(starts);
        var cursor = new BlockPostingCursor[1];
        bool sortLists = shards.NeedsSortedMerge;
        for (int t = 0; t < terms; t++)
        {
            long slot = starts[t];
            for (int s = 0; s < localTerms.Length; s++)
            {
                if (localTerms[s][t] < 0)
                    continue;
                ref var c = ref cursor[0];
                for (c.Reset(shards.Shards[s].Postings(localTerms[s][t]), 1); c.DocId != PostingCursor.End; c.Next(), slot++)
                {
                    postings.DocIds[slot] = newIds[s][c.DocId];
                    postings.Impacts[slot] = (ushort)c.Score;
                }
            }
            if (sortLists)
                postings.DocIds.AsSpan((int)starts[t], (int)(slot - starts[t])).Sort(postings.Impacts.AsSpan((int)starts[t], (int)(slot - starts[t])));
            if ((t & 1023) == 0)
                progress?.Report(new BuildProgress("merging", t, terms, "terms"));
        }
        progress?.Report(new BuildProgress("merging", terms, terms, "terms"));

        int ranges = rangeSize ?? CommonRangeSize(shards);
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
        var contents = new IndexContents(metadata, shards.Vocabulary.Tokens, documentIds, postings,
            new ImpactQuantizer(first.ImpactScale, (int)first.Header.QuantBits), ranges, Forward: null);
        return IndexComposer.Write(outputPath, contents, progress);
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
