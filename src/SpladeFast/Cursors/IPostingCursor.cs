namespace SpladeFast.Cursors;

/// <summary>
/// A document cursor over one query term's postings, scored with the term's query weight (PISA's scored cursor).
/// Algorithms take cursors as generic struct parameters so these calls resolve at compile time.
/// <list type="bullet">
/// <item>After <c>Reset</c> the cursor is on the list's first posting, or exhausted.</item>
/// <item><see cref="DocId"/> only grows. An exhausted cursor has <see cref="DocId"/> == <see cref="PostingCursor.End"/> and stays there.</item>
/// <item><see cref="NextGeq"/> moves to the first posting with docid &gt;= target; a target at or before the
/// current docid leaves the cursor where it is. Whole blocks whose last docid is below the target are skipped
/// through the skip table without decoding.</item>
/// <item><see cref="Score"/> (query weight x impact) may be read only while not exhausted.</item>
/// </list>
/// </summary>
public interface IPostingCursor
{
    /// <summary>The current docid, or <see cref="PostingCursor.End"/> when exhausted.</summary>
    uint DocId { get; }
    /// <summary>Query weight x the current posting's impact.</summary>
    long Score { get; }
    /// <summary>Upper bound of <see cref="Score"/> over the whole list: weight x the list's max impact.</summary>
    long MaxScore { get; }
    /// <summary>Postings in the list (its document frequency).</summary>
    uint PostingCount { get; }
    /// <summary>Moves to the next posting (or to <see cref="PostingCursor.End"/>).</summary>
    void Next();
    /// <summary>Moves to the first posting with docid &gt;= <paramref name="target"/> (see the type).</summary>
    void NextGeq(uint target);
}

/// <summary>
/// Adds block-max data: a "shallow" position that moves over skip entries only, never decoding.
/// <list type="bullet">
/// <item><see cref="ShallowNextGeq"/> moves the shallow position to the block that would hold docid target (the
/// first whose last docid is &gt;= target); it never moves backward and does not move the document position.</item>
/// <item><see cref="BlockMaxScore"/> and <see cref="BlockLastDocId"/> describe the block at the shallow position;
/// past the last block they are 0 and <see cref="PostingCursor.End"/>.</item>
/// </list>
/// </summary>
public interface IBlockMaxCursor : IPostingCursor
{
    /// <summary>Moves the shallow position to the block that would hold <paramref name="target"/> (see the type).</summary>
    void ShallowNextGeq(uint target);
    /// <summary>Query weight x the shallow block's largest impact (0 past the last block).</summary>
    long BlockMaxScore { get; }
    /// <summary>The shallow block's last docid (<see cref="PostingCursor.End"/> past the last block).</summary>
    uint BlockLastDocId { get; }
}

/// <summary>Constants shared by every cursor.</summary>
public static class PostingCursor
{
    /// <summary>The docid of an exhausted cursor; larger than every real docid.</summary>
    public const uint End = uint.MaxValue;
}
