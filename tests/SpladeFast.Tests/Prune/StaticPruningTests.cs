using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Prune;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Prune;

public class StaticPruningTests
{
    private static readonly Gen<(TestDocument[] Documents, PruningSpec Spec)> Cases =
        from vocabulary in Gen.Int[2, 20]
        from documents in Gen.Select(Gen.Double[0, 1], Gen.OneOf(0.01, 0.5, 1.0, 2.0, 3.5)).Array[vocabulary].Array[1, 200]
        from strategy in Gen.Int[0, 5]
        from top in Gen.Int[1, 12]
        from fraction in Gen.Double[0.05, 0.95]
        from impact in Gen.Int[0, 300]
        select (documents.Select((d, i) => new TestDocument($"d{i}", d.Select((t, j) => (t, j)).Where(x => x.t.Item1 < 0.4).Select(x => ($"w{x.j}", x.t.Item2)).ToList())).ToArray(),
            strategy switch
            {
                0 => new PruningSpec(PruningStrategy.DocumentTop, top),
                1 => new PruningSpec(PruningStrategy.DocumentMass, fraction),
                2 => new PruningSpec(PruningStrategy.TermTop, top * 5),
                3 => new PruningSpec(PruningStrategy.TermQuantile, Math.Min(fraction, 0.9)),
                4 => new PruningSpec(PruningStrategy.MinImpact, impact),
                _ => new PruningSpec(PruningStrategy.MaxDocumentFrequency, top * 4),
            });

    /// <summary>Every posting as (term, doc, impact).</summary>
    private static HashSet<(int Term, int Doc, int Impact)> Postings(SparseIndex index)
    {
        var forward = ForwardLists.FromIndex(index);
        var set = new HashSet<(int, int, int)>();
        for (int d = 0; d < forward.DocumentCount; d++)
        {
            var terms = forward.TermsOf(d);
            var impacts = forward.ImpactsOf(d);
            for (int i = 0; i < terms.Length; i++)
                set.Add((terms[i], d, impacts[i]));
        }
        return set;
    }

    /// <summary>The rule written as plainly as possible, over the full posting set.</summary>
    private static HashSet<(int Term, int Doc, int Impact)> Expected(HashSet<(int Term, int Doc, int Impact)> all, PruningSpec spec)
    {
        IEnumerable<(int Term, int Doc, int Impact)> kept = spec.Strategy switch
        {
            PruningStrategy.DocumentTop => all.GroupBy(p => p.Doc).SelectMany(g => g.OrderByDescending(p => p.Impact).ThenBy(p => p.Term).Take((int)spec.Value)),
            PruningStrategy.DocumentMass => all.GroupBy(p => p.Doc).SelectMany(g =>
            {
                var sorted = g.OrderByDescending(p => p.Impact).ThenBy(p => p.Term).ToList();
                double total = sorted.Sum(p => p.Impact), sum = 0;
                return sorted.TakeWhile(p => { bool take = sum < spec.Value * total; sum += p.Impact; return take; }).ToList();
            }),
            PruningStrategy.TermTop => all.GroupBy(p => p.Term).SelectMany(g => g.OrderByDescending(p => p.Impact).ThenBy(p => p.Doc).Take((int)spec.Value)),
            PruningStrategy.TermQuantile => all.GroupBy(p => p.Term).SelectMany(g =>
            {
                var impacts = g.Select(p => p.Impact).Order().ToList();
                int threshold = impacts[(int)Math.Floor(spec.Value * (impacts.Count - 1))];
                return g.Where(p => p.Impact >= threshold);
            }),
            PruningStrategy.MinImpact => all.Where(p => p.Impact >= spec.Value),
            _ => all.GroupBy(p => p.Term).Where(g => g.Count() <= spec.Value).SelectMany(g => g),
        };
        return kept.ToHashSet();
    }

    [Fact]
    public void Each_strategy_keeps_exactly_what_it_claims_and_the_result_is_a_valid_searchable_index() =>
        Cases.Sample(c =>
        {
            using var dir = new TempDirectory();
            using var index = TestIndex.Build(dir, c.Documents);
            StaticPruning.Write(index, dir.File("pruned.sfi"), c.Spec);
            using var pruned = SparseIndex.Open(dir.File("pruned.sfi"));
            pruned.VerifyChecksums();
            Assert.Equal(c.Spec.ToString(), pruned.Metadata.Properties["pruning"]);
            Assert.Equal(index.DocumentCount, pruned.DocumentCount);
            Assert.True(Expected(Postings(index), c.Spec).SetEquals(Postings(pruned)), $"{c.Spec}");

            var context = new SearchContext(pruned);
            var query = new QueryVector("q", Enumerable.Range(0, Math.Min(6, pruned.TermCount)).Select(t => new QueryTerm(t, (uint)(t + 1))).ToArray());
            var expected = context.Search(query, 10, new RankedOr()).ToArray();
            foreach (var algorithm in SearchAlgorithms.All)
                Assert.Equal(expected, context.Search(query, 10, algorithm).ToArray());
        }, iter: 40, threads: 1);

    [Fact]
    public void Keep_everything_settings_answer_exactly_as_the_original()
    {
        using var dir = new TempDirectory();
        var documents = Enumerable.Range(0, 300).Select(d => new TestDocument($"d{d}", Enumerable.Range(0, 8).Where(t => (d * 7 + t) % 3 != 0).Select(t => ($"w{t}", 0.1 * (1 + (d + t) % 17))).ToList())).ToArray();
        using var index = TestIndex.Build(dir, documents);
        var queries = Enumerable.Range(0, 8).Select(t => new QueryVector($"q{t}", [new QueryTerm(t, 3), new QueryTerm((t + 3) % 8, 1)])).ToList();
        var reference = new SearchContext(index);
        var expected = queries.Select(q => reference.Search(q, 50, new RankedOr()).ToArray()).ToList();
        var keepAll = new[]
        {
            new PruningSpec(PruningStrategy.DocumentTop, 1000), new PruningSpec(PruningStrategy.DocumentMass, 1),
            new PruningSpec(PruningStrategy.TermTop, 100000), new PruningSpec(PruningStrategy.TermQuantile, 0),
            new PruningSpec(PruningStrategy.MinImpact, 0), new PruningSpec(PruningStrategy.MaxDocumentFrequency, 100000),
        };
        foreach (var spec in keepAll)
        {
            var report = StaticPruning.Write(index, dir.File($"{spec.Name}.sfi"), spec);
            Assert.Equal(report.PostingsBefore, report.PostingsAfter);
            using var pruned = SparseIndex.Open(dir.File($"{spec.Name}.sfi"));
            Assert.Equal(index.Ranges!.RangeSize, pruned.Ranges!.RangeSize);
            Assert.Equal(index.Ranges.RangeSize, SpladeFast.Build.IndexComposer.RecordedRangeSize(pruned.Metadata));
            var context = new SearchContext(pruned);
            for (int q = 0; q < queries.Count; q++)
            {
                Assert.Equal(expected[q], context.Search(queries[q], 50, new BlockMaxMaxScore()).ToArray());
                Assert.Equal(expected[q], context.Search(queries[q], 50, new BlockMaxPruning()).ToArray());
            }
        }
    }

    [Theory]
    [InlineData("doc-top", 0)]
    [InlineData("doc-top", 2.5)]
    [InlineData("doc-mass", 1.5)]
    [InlineData("term-quantile", 1)]
    [InlineData("min-impact", -1)]
    [InlineData("nonsense", 1)]
    public void Invalid_settings_are_refused(string name, double value) =>
        Assert.Throws<ArgumentException>(() => PruningSpec.Parse(name, value));
}
