using CsCheck;
using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cursors;

public class BlockPostingCursorTests
{
    /// <summary>A posting list (docid, impact) and a walk of NextGeq targets (0 means Next).</summary>
    private static readonly Gen<(int[] Docs, int[] Steps)> Walks =
        from count in Gen.Int[1, 700]
        from gaps in Gen.Int[1, 40].Array[count]
        from steps in Gen.Int[0, 60].Array[1, 200]
        select (gaps.Select((_, i) => gaps.Take(i + 1).Sum() - 1).ToArray(), steps);

    [Fact]
    public void Next_and_NextGeq_follow_the_sorted_list_and_shallow_moves_never_decode() =>
        Walks.Sample(walk =>
        {
            using var dir = new TempDirectory();
            int documents = walk.Docs[^1] + 1;
            var set = walk.Docs.ToHashSet();
            using var index = TestIndex.Build(dir, Enumerable.Range(0, documents)
                .Select(d => new TestDocument($"d{d}", set.Contains(d) ? [("t", 0.01 * (1 + d % 97))] : [("other", 1.0)])).ToArray());
            var cursors = new BlockPostingCursor[1];
            ref var cursor = ref cursors[0];
            var list = index.Postings(index.Vocabulary.TryGetId("t", out int term) ? term : -1);
            cursor.Reset(list, 3);
            int position = 0;
            foreach (int step in walk.Steps)
            {
                Assert.Equal(position < walk.Docs.Length ? (uint)walk.Docs[position] : PostingCursor.End, cursor.DocId);
                if (cursor.DocId != PostingCursor.End)
                    Assert.Equal(3L * (1 + walk.Docs[position] % 97), cursor.Score);
                if (step == 0)
                {
                    cursor.Next();
                    position++;
                }
                else
                {
                    long target = (long)cursor.DocId + step - 20;
                    uint clamped = (uint)Math.Clamp(target, 0, PostingCursor.End);
                    cursor.NextGeq(clamped);
                    while (position < walk.Docs.Length && walk.Docs[position] < clamped)
                        position++;
                }
                position = Math.Min(position, walk.Docs.Length);
                long decodedBefore = cursor.PostingsDecoded;
                cursor.ShallowNextGeq(cursor.DocId == PostingCursor.End ? PostingCursor.End : cursor.DocId);
                Assert.Equal(decodedBefore, cursor.PostingsDecoded);
                if (cursor.DocId != PostingCursor.End)
                {
                    Assert.True(cursor.BlockLastDocId >= cursor.DocId);
                    Assert.True(cursor.BlockMaxScore >= cursor.Score);
                }
            }
        }, iter: 60, threads: 1);
}
