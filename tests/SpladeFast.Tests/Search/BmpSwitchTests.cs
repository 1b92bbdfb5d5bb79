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
        from rangeSize in Gen.OneOf(1, 4, 16, 64)
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
                        // Finishing by the accumulator pass always, by MaxScore always, and as chosen.
                        foreach (double crossover in new[] { 0, double.PositiveInfinity, 0.5 })
                        {
                            var actual = context.Search(query, c.K, new BlockMaxPruning(switchCheck, crossover)).ToArray();
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
}
