namespace SpladeFast.Live;

/// <summary>
/// Which segments to merge next, after Lucene's TieredMergePolicy: segments are grouped in tiers of sizes growing by
/// <see cref="LiveSettings.MaxMergeAtOnce"/> from the flush size, each tier allowed <see cref="LiveSettings.SegmentsPerTier"/>
/// segments; past that budget the merge of up to MaxMergeAtOnce segments adjacent in size whose result is least
/// skewed (the largest a small part of the total) is chosen. A segment with more than
/// <see cref="LiveSettings.MaxDeletedShare"/> of its documents deleted is merged on its own to purge them.
/// </summary>
public sealed class MergePolicy(LiveSettings settings)
{
    /// <summary>A segment as the policy weighs it.</summary>
    public readonly record struct Candidate(int Documents, int Deleted)
    {
        /// <summary>Documents not deleted.</summary>
        public int Live => Documents - Deleted;
    }

    /// <summary>The positions in <paramref name="segments"/> of the segments to merge, or null when none needs it.</summary>
    public IReadOnlyList<int>? Find(IReadOnlyList<Candidate> segments)
    {
        for (int s = 0; s < segments.Count; s++)
        {
            if (segments[s].Documents > 0 && segments[s].Deleted > settings.MaxDeletedShare * segments[s].Documents)
                return [s];
        }
        if (segments.Count <= AllowedSegments(segments))
            return null;
        var bySize = Enumerable.Range(0, segments.Count).OrderByDescending(s => segments[s].Live).ThenBy(s => s).ToArray();
        IReadOnlyList<int>? best = null;
        double bestScore = double.MaxValue;
        for (int start = 0; start + 1 < bySize.Length; start++)
        {
            var window = bySize.Skip(start).Take(settings.MaxMergeAtOnce).ToArray();
            long total = window.Sum(s => (long)segments[s].Live);
            // Lucene's skew: the largest input's share of the result, so merges of alike sizes win; bigger merges
            // cost a little more (total^0.05).
            double skew = total == 0 ? 0 : (double)segments[window[0]].Live / total;
            double score = skew * Math.Pow(Math.Max(1, total), 0.05);
            if (window.Length >= 2 && score < bestScore)
            {
                bestScore = score;
                best = window;
            }
        }
        return best;
    }

    /// <summary>Segments the tiers allow for this many live documents.</summary>
    private int AllowedSegments(IReadOnlyList<Candidate> segments)
    {
        long remaining = segments.Sum(s => (long)s.Live);
        double level = Math.Max(settings.FlushDocuments, segments.Count == 0 ? 1 : Math.Max(1, segments.Min(s => s.Live)));
        double allowed = 0;
        while (true)
        {
            double atLevel = remaining / level;
            if (atLevel < settings.SegmentsPerTier)
            {
                allowed += Math.Ceiling(atLevel);
                break;
            }
            allowed += settings.SegmentsPerTier;
            remaining -= (long)(settings.SegmentsPerTier * level);
            level *= settings.MaxMergeAtOnce;
        }
        return (int)Math.Max(allowed, settings.SegmentsPerTier);
    }

    /// <summary>For a forced merge down to <paramref name="maxSegments"/>: the smallest segments, as many as it takes.</summary>
    public static IReadOnlyList<int>? ForMaxSegments(IReadOnlyList<Candidate> segments, int maxSegments)
    {
        if (segments.Count <= maxSegments)
            return null;
        return Enumerable.Range(0, segments.Count).OrderBy(s => segments[s].Live).ThenBy(s => s).Take(segments.Count - maxSegments + 1).ToArray();
    }
}
