using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Search;

/// <summary>
/// bmp finishing a query from the posting lists once it judges the ranges left too many: the combined answer must
/// be ranked_or's exactly, whether the query is finished by the accumulator pass or by MaxScore. The switch is
/// forced early (after 1 to 3 ranges) so small collections take it.
/// </summary>
public class BmpSwitchTests
{
    private static readonly Gen<(TestDocument[] Documents, (int Term, uint Weight)[][] Queries, int K, int RangeSize)> Cases =
        from vocabulary in Gen.Int[1, 16]
        from documentCount in Gen.Int[1, 300]
        from density in Gen.Double[0.05, 0.9]
        from documents in Gen.Select(Gen.Double[0, 1], Gen.OneOf(0.01, 0.5, 1.0, 3.0, 655.35)).Array[vocabulary]
            .Select(terms => terms.Select((t, i) => (t, i)).Where(x => x.t.Item1 < density).Select(x => ($"w{x.i}", x.t.Item2)).ToArray())
            .Array[documentCount]
        from queries in Gen.Select(Gen.Int[0, vocabulary], Gen.UInt[1, 300]).Array[1, 6].Array[1, 4]
        from k in Gen.OneOf(1, 10, 100, 1000)
        from rangeSize in Gen.OneOf(1, 3, 4, 5, 16, 64)
        select (documents.Select((v, i) => new TestDocument($"doc{i}", v)).ToArray(), queries, k, rangeSize);

    [Fact]
    public void Switching_to_the_posting_lists_keeps_the_top_k_exact()
    {
        int switched = 0;
        Cases.Sample(c =>
        {
            using var dir = new TempDirectory();
            using var index = TestIndex.Build(dir, c.Documents, rangeSize: c.RangeSize);
            using var shuffled = TestIndex.Shuffled(dir, index, seed: c.Documents.Length);
            foreach (var searched in new[] { index, shuffled })
            {
                var context = new SearchContext(searched);
                foreach (var raw in c.Queries)
                {
                    var query = new QueryVector("q", raw.Select(t => new QueryTerm(searched.Vocabulary.TryGetId($"w{t.Term}", out int id) ? id : -1, t.Weight))
                        .Where(t => t.TermId >= 0).ToArray());
                    var expected = context.Search(query, c.K, SearchAlgorithms.Get("ranked_or")).ToArray();
                    foreach (int switchCheck in new[] { 1, 2, 3 })
                    {
                        // Finishing by the accumulator pass always, by MaxScore always (over windows that hold the
                        // collection, or of 3 docids, so scored ranges straddle window edges), and as chosen.
                        foreach (var (crossover, window) in new[] { (0, 4096), (double.PositiveInfinity, 4096), (double.PositiveInfinity, 3), (0.5, 4096) })
                        {
                            var actual = context.Search(query, c.K, new BlockMaxPruning(switchCheck, crossover, window)).ToArray();
                            Assert.Equal(expected, actual);
                            if (context.Cursors.Length > 0) // bmp opens cursors only when it switches
                                switched++;
                        }
                    }
                }
            }
        }, iter: 80, threads: 1);
        Assert.True(switched > 0, "no query switched to the posting lists");
    }

    /// <summary>
    /// A tie bmp's ranges cannot see: every document scores S; bmp first scores a range of two documents that both
    /// reach S, so the k-th score is S held by a later docid, then finishes by MaxScore, where the list of document 0
    /// alone is non-essential at that threshold. Document 0 came first, so it must take the tie.
    /// </summary>
    [Fact]
    public void A_document_before_the_ranges_scored_wins_a_tie_at_the_threshold()
    {
        using var dir = new TempDirectory();
        var documents = new List<TestDocument> { new("first", [("a", 1.0)]), new("filler", [("c", 1.0)]) };
        for (int r = 1; r <= 10; r++)
            documents.AddRange([new($"a{r}", [("a", 1.0)]), new($"b{r}", [("b", 1.0)])]);
        using var index = TestIndex.Build(dir, documents.ToArray(), rangeSize: 2);
        var context = new SearchContext(index);
        var query = new QueryVector("q", [new QueryTerm(index.Vocabulary.TryGetId("a", out int a) ? a : -1, 1), new QueryTerm(index.Vocabulary.TryGetId("b", out int b) ? b : -1, 1)]);
        foreach (int k in new[] { 1, 2, 3 })
        {
            var expected = context.Search(query, k, SearchAlgorithms.Get("ranked_or")).ToArray();
            Assert.Equal(0u, expected[0].DocId);
            Assert.Equal(expected, context.Search(query, k, new BlockMaxPruning(1, double.PositiveInfinity)).ToArray());
            Assert.True(context.Cursors.Length > 0, "bmp did not switch to the posting lists");
        }
    }
}
