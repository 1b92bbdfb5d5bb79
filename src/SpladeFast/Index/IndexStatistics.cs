using SpladeFast.Codecs;

namespace SpladeFast.Index;

/// <summary>Sizes and shape of an index, computed from its term and skip tables (no block is decoded).</summary>
public sealed record IndexStatistics(
    int Documents, int Terms, int NonEmptyTerms, long Postings, long Blocks,
    long DocIdBytes, long ImpactBytes, long SkipBytes, long FileBytes, uint MaxImpact,
    IReadOnlyList<(long From, long To, int Terms, long Postings)> LengthHistogram)
{
    /// <summary>Bits of packed docid gaps per posting.</summary>
    public double DocIdBitsPerPosting => Postings == 0 ? 0 : 8.0 * DocIdBytes / Postings;
    /// <summary>Bits of packed impacts per posting.</summary>
    public double ImpactBitsPerPosting => Postings == 0 ? 0 : 8.0 * ImpactBytes / Postings;
    /// <summary>Docid gaps plus impacts: the figure compared with PISA's block_simdbp.</summary>
    public double BitsPerPosting => DocIdBitsPerPosting + ImpactBitsPerPosting;
    /// <summary>Bits of skip entries (16 bytes a block) per posting.</summary>
    public double SkipBitsPerPosting => Postings == 0 ? 0 : 8.0 * SkipBytes / Postings;
    /// <summary>Mean postings (distinct terms) per document.</summary>
    public double PostingsPerDocument => Documents == 0 ? 0 : (double)Postings / Documents;

    /// <summary>Sums the term and skip tables; decodes no block.</summary>
    public static IndexStatistics Compute(SparseIndex index)
    {
        long docBytes = 0, impactBytes = 0, blocks = 0;
        int nonEmpty = 0;
        var buckets = new SortedDictionary<int, (int Terms, long Postings)>();
        for (int t = 0; t < index.TermCount; t++)
        {
            var list = index.Postings(t);
            if (list.PostingCount == 0)
                continue;
            nonEmpty++;
            int bucket = 31 - System.Numerics.BitOperations.LeadingZeroCount(list.PostingCount);
            var (terms, postings) = buckets.GetValueOrDefault(bucket);
            buckets[bucket] = (terms + 1, postings + list.PostingCount);
            var skips = list.SkipEntries;
            for (int b = 0; b < skips.Length; b++)
            {
                int count = b + 1 < skips.Length ? BitPacking.BlockSize : (int)(list.PostingCount - (uint)b * BitPacking.BlockSize);
                docBytes += BitPacking.PackedBytes(count, skips[b].DocBits);
                impactBytes += BitPacking.PackedBytes(count, skips[b].ImpactBits);
            }
            blocks += skips.Length;
        }
        var histogram = buckets.Select(b => (1L << b.Key, (2L << b.Key) - 1, b.Value.Terms, b.Value.Postings)).ToList();
        return new IndexStatistics(index.DocumentCount, index.TermCount, nonEmpty, index.PostingCount, blocks,
            docBytes, impactBytes, blocks * sizeof(uint) * 4, index.FileLength, index.Header.MaxImpact, histogram);
    }
}
