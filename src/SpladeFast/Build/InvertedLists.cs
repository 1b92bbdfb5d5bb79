namespace SpladeFast.Build;

/// <summary>
/// A whole collection's postings in memory, term-major: term t's postings are [Starts[t], Starts[t + 1]),
/// docids increasing. 6 bytes a posting; one build holds at most Array.MaxLength postings.
/// </summary>
public sealed record InvertedLists(long[] Starts, uint[] DocIds, ushort[] Impacts)
{
    /// <summary>Terms: lists 0 .. TermCount - 1.</summary>
    public int TermCount => Starts.Length - 1;
    /// <summary>Postings over all lists.</summary>
    public long Count => DocIds.LongLength;

    /// <summary>Uninitialized arrays for postings counted per term (Starts are the prefix sums of the counts).</summary>
    public static InvertedLists Allocate(long[] starts)
    {
        long count = starts[^1];
        if (count > Array.MaxLength)
            throw new InvalidOperationException($"{count:N0} postings exceed one build's limit of {Array.MaxLength:N0}; build shards.");
        return new InvertedLists(starts, GC.AllocateUninitializedArray<uint>((int)count), GC.AllocateUninitializedArray<ushort>((int)count));
    }

    /// <summary>Concatenates per-term lists (null: an empty list) into one allocation.</summary>
    public static InvertedLists FromLists(int terms, Func<int, (uint[] DocIds, ushort[] Impacts)?> list)
    {
        var starts = new long[terms + 1];
        for (int t = 0; t < terms; t++)
            starts[t + 1] = starts[t] + (list(t)?.DocIds.Length ?? 0);
        var postings = Allocate(starts);
        for (int t = 0; t < terms; t++)
        {
            if (list(t) is not { } l)
                continue;
            l.DocIds.CopyTo(postings.DocIds, starts[t]);
            l.Impacts.CopyTo(postings.Impacts, starts[t]);
        }
        return postings;
    }

    /// <summary>Term <paramref name="term"/>'s docids, increasing.</summary>
    public ReadOnlySpan<uint> DocIdsOf(int term) => DocIds.AsSpan((int)Starts[term], (int)(Starts[term + 1] - Starts[term]));
    /// <summary>Its impacts, aligned with <see cref="DocIdsOf"/>.</summary>
    public ReadOnlySpan<ushort> ImpactsOf(int term) => Impacts.AsSpan((int)Starts[term], (int)(Starts[term + 1] - Starts[term]));
}
