using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Cursors;

namespace SpladeFast.Tests.Search;

/// <summary>The vector step of the document-at-a-time loops against its one-cursor-at-a-time reference.</summary>
public class CursorDocIdsTests
{
    /// <summary>A cursor over an in-memory list: the simplest thing that follows the cursor contract.</summary>
    private struct ListCursor(uint[] docIds, long[] scores) : IPostingCursor
    {
        private int _position;
        public readonly uint[] Postings => docIds;
        public readonly uint DocId => _position < docIds.Length ? docIds[_position] : PostingCursor.End;
        public readonly long Score => scores[_position];
        public readonly long MaxScore => scores.Length == 0 ? 0 : scores.Max();
        public readonly uint PostingCount => (uint)docIds.Length;
        public void Next() => _position = Math.Min(_position + 1, docIds.Length);

        public void NextGeq(uint target)
        {
            while (DocId < target)
                _position++;
        }
    }

    private static readonly Gen<(uint[] DocIds, long[] Scores)[]> Lists = ListsOf(60);

    /// <summary>Up to <paramref name="most"/> lists of up to 120 docids below 300 (many shared, many ties).</summary>
    private static Gen<(uint[] DocIds, long[] Scores)[]> ListsOf(int most) =>
        Gen.Int[0, most].SelectMany(count => Gen.Select(Gen.UInt[0, 300].Array[0, 120], Gen.Long[1, 1000].Array[120])
            .Select((ids, scores) =>
            {
                var sorted = ids.Distinct().Order().ToArray();
                return (sorted, scores[..sorted.Length]);
            }).Array[count]);

    private static ListCursor[] Open((uint[] DocIds, long[] Scores)[] lists) =>
        lists.Select(l => new ListCursor(l.DocIds, l.Scores)).ToArray();

    /// <summary>Past 64 cursors the vector step works in chunks of 64 (one 64-bit mask each): up to 150 lists.</summary>
    [Fact]
    public void The_vector_step_scores_advances_and_finds_the_next_candidate_as_the_scalar_one_does() =>
        Gen.Select(ListsOf(150), Gen.Int[0, 160]).Sample(c =>
        {
            var (lists, fromSeed) = c;
            var vector = Open(lists);
            var scalar = Open(lists);
            var vectorIds = new uint[lists.Length + CursorDocIds.Padding];
            var scalarIds = new uint[lists.Length + CursorDocIds.Padding];
            CursorDocIds.Fill<ListCursor>(vector, vectorIds);
            CursorDocIds.Fill<ListCursor>(scalar, scalarIds);
            // The step over the cursors from a position on (a suffix, its docids still padded).
            int from = lists.Length == 0 ? 0 : fromSeed % (lists.Length + 1);
            uint current = PruningSteps.FirstCandidate(vectorIds.AsSpan(from), lists.Length - from);
            int steps = 0;
            while (current != PostingCursor.End)
            {
                long expected = CursorDocIds.ScoreAndAdvanceScalar<ListCursor>(scalar.AsSpan(from), scalarIds.AsSpan(from), current, out uint expectedNext);
                long actual = CursorDocIds.ScoreAndAdvance<ListCursor>(vector.AsSpan(from), vectorIds.AsSpan(from), current, out uint next);
                Assert.Equal(expected, actual);
                Assert.Equal(expectedNext, next);
                Assert.Equal(scalarIds, vectorIds);
                Assert.True(next > current);
                current = next;
                steps++;
            }
            // Every docid of the scanned lists was a candidate once.
            Assert.Equal(lists.Skip(from).SelectMany(l => l.DocIds).Distinct().Count(), steps);
        }, iter: 300);

    [Fact]
    public void Sorting_by_max_score_moves_the_cursors_stably()
    {
        Lists.Sample(lists =>
        {
            var cursors = Open(lists);
            var expected = cursors.OrderBy(c => c.MaxScore).Select(c => c.Postings).ToArray();
            var order = new int[cursors.Length];
            CursorOrder.SortByMaxScore<ListCursor>(cursors, order);
            Assert.Equal(expected.Length, cursors.Length);
            for (int i = 0; i < cursors.Length; i++)
                Assert.Same(expected[i], cursors[i].Postings);
        }, iter: 200);
    }
}
