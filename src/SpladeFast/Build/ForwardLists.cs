using SpladeFast.Cursors;
using SpladeFast.Index;

namespace SpladeFast.Build;

/// <summary>
/// A collection document-major, in memory: document d's terms and impacts are [Starts[d], Starts[d + 1]),
/// terms increasing; 4 bytes a posting (16-bit term ids: WordPiece vocabularies have 30,522 terms). The arrays may
/// be longer than <see cref="Count"/>. Built from an index by decoding every list twice (sizes, then fill).
/// </summary>
public sealed record ForwardLists(long[] Starts, ushort[] Terms, ushort[] Impacts)
{
    /// <summary>Documents.</summary>
    public int DocumentCount => Starts.Length - 1;

    /// <summary>Postings held (the arrays' used prefix).</summary>
    public long Count => Starts[^1];

    /// <summary>Document <paramref name="doc"/>'s term ids, increasing.</summary>
    public ReadOnlySpan<ushort> TermsOf(int doc) => Terms.AsSpan((int)Starts[doc], (int)(Starts[doc + 1] - Starts[doc]));
    /// <summary>Its impacts, aligned with <see cref="TermsOf"/>.</summary>
    public ReadOnlySpan<ushort> ImpactsOf(int doc) => Impacts.AsSpan((int)Starts[doc], (int)(Starts[doc + 1] - Starts[doc]));

    /// <summary>Decodes every posting list of <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">More than 65,536 terms or more postings than one array holds.</exception>
    public static ForwardLists FromIndex(SparseIndex index, IProgress<BuildProgress>? progress = null)
    {
        CheckFits(index.PostingCount, index.TermCount);
        var cursor = new BlockPostingCursor[1];
        var forward = Fill(index.DocumentCount, index.PostingCount, visit => ForEachPosting(index, cursor, visit));
        progress?.Report(new BuildProgress("reading postings", index.TermCount, index.TermCount, "terms"));
        return forward;
    }

    /// <summary>Transposes in-memory posting lists of <paramref name="documents"/> documents.</summary>
    /// <exception cref="InvalidOperationException">More than 65,536 terms or more postings than one array holds.</exception>
    public static ForwardLists FromPostings(InvertedLists postings, int documents)
    {
        CheckFits(postings.Count, postings.TermCount);
        return Fill(documents, postings.Count, visit =>
        {
            for (int t = 0; t < postings.TermCount; t++)
            {
                var docIds = postings.DocIdsOf(t);
                var impacts = postings.ImpactsOf(t);
                for (int i = 0; i < docIds.Length; i++)
                    visit(t, docIds[i], impacts[i]);
            }
        });
    }

    private static void CheckFits(long postings, int terms)
    {
        if (postings > Array.MaxLength)
            throw new InvalidOperationException($"{postings:N0} postings are too many to rewrite in memory.");
        if (terms > ushort.MaxValue + 1)
            throw new InvalidOperationException($"rewriting (reordering, pruning, forward indexes) takes vocabularies of at most 65,536 terms; this one has {terms:N0}");
    }

    /// <summary>Two walks over the postings, term-major: sizes per document, then placement.</summary>
    private static ForwardLists Fill(int documents, long postings, Action<Action<int, uint, long>> forEachPosting)
    {
        var starts = new long[documents + 1];
        forEachPosting((term, doc, impact) => starts[doc + 1]++);
        for (int d = 0; d < documents; d++)
            starts[d + 1] += starts[d];
        var terms = GC.AllocateUninitializedArray<ushort>((int)postings);
        var impacts = GC.AllocateUninitializedArray<ushort>((int)postings);
        var next = (long[])starts.Clone();
        forEachPosting((term, doc, impact) =>
        {
            long slot = next[doc]++;
            terms[slot] = (ushort)term;
            impacts[slot] = (ushort)impact;
        });
        return new ForwardLists(starts, terms, impacts);
    }

    /// <summary>Calls <paramref name="visit"/>(term, docid, impact) for every posting, term by term, docids increasing.</summary>
    internal static void ForEachPosting(SparseIndex index, BlockPostingCursor[] cursor, Action<int, uint, long> visit)
    {
        ref var c = ref cursor[0];
        for (int t = 0; t < index.TermCount; t++)
        {
            for (c.Reset(index.Postings(t), 1); c.DocId != PostingCursor.End; c.Next())
                visit(t, c.DocId, c.Score);
        }
    }
}
