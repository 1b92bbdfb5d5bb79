using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Reorder;
using SpladeFast.Rewrite;
using SpladeFast.Tests.Support;
using SpladeFast.Transforms;

namespace SpladeFast.Tests.Reorder;

public class ReorderTests
{
    [Fact]
    public void Bisection_returns_a_permutation_and_the_reordered_index_answers_the_same()
    {
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(3000, 120, 11);
        var options = new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary, RangeSize = 32 };
        new IndexBuilder(options).Build(dir.File("plain.sfi"));
        IndexPipeline.Build(options, new IndexTransforms { Reorder = new BisectionOptions { Iterations = 8 } }, dir.File("bp.sfi"));
        using var plain = SparseIndex.Open(dir.File("plain.sfi"));
        using var reordered = SparseIndex.Open(dir.File("bp.sfi"));
        Assert.Equal("bp", reordered.Metadata.Properties["reorder"]);
        Assert.Equal(plain.PostingCount, reordered.PostingCount);
        var plainIds = Enumerable.Range(0, plain.DocumentCount).Select(d => plain.DocumentId((uint)d)).ToList();
        var reorderedIds = Enumerable.Range(0, reordered.DocumentCount).Select(d => reordered.DocumentId((uint)d)).ToList();
        Assert.Equal(plainIds.Order(), reorderedIds.Order());
        Assert.NotEqual(plainIds, reorderedIds);

        // With k = every document there are no ties at the cut, so both must give each document the same score.
        var queries = QueryReader.Read(collection.Queries, plain.Vocabulary).Queries;
        foreach (var algorithm in SearchAlgorithms.All)
        {
            var a = new SearchContext(plain);
            var b = new SearchContext(reordered);
            foreach (var query in queries.Take(10))
            {
                var expected = a.Search(query, plain.DocumentCount, new RankedOr()).ToArray().ToDictionary(h => plain.DocumentId(h.DocId), h => h.Score);
                var actual = b.Search(query, reordered.DocumentCount, algorithm).ToArray().ToDictionary(h => reordered.DocumentId(h.DocId), h => h.Score);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Bisection_groups_documents_that_share_terms_so_gaps_shrink()
    {
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(4000, 1, 12);
        var options = new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary };
        new IndexBuilder(options).Build(dir.File("plain.sfi"));
        IndexPipeline.Build(options, new IndexTransforms { Reorder = new BisectionOptions() }, dir.File("bp.sfi"));
        using var plain = SparseIndex.Open(dir.File("plain.sfi"));
        using var reordered = SparseIndex.Open(dir.File("bp.sfi"));
        // BP minimizes the log-gap cost; on this collection it drops by about a quarter.
        double before = AverageLogGap(plain), after = AverageLogGap(reordered);
        Assert.True(after < before * 0.85, $"average log2 gap {before:F3} -> {after:F3}");
    }

    private static double AverageLogGap(SparseIndex index)
    {
        double sum = 0;
        var cursor = new SpladeFast.Cursors.BlockPostingCursor[1];
        ref var c = ref cursor[0];
        for (int t = 0; t < index.TermCount; t++)
        {
            long previous = -1;
            for (c.Reset(index.Postings(t), 1); c.DocId != SpladeFast.Cursors.PostingCursor.End; c.Next())
            {
                sum += Math.Log2(c.DocId - previous);
                previous = c.DocId;
            }
        }
        return sum / index.PostingCount;
    }
}
