using CsCheck;
using SpladeFast.Build;
using SpladeFast.Format;
using SpladeFast.Index;

namespace SpladeFast.Tests.Index;

public class TermProbeTests
{
    /// <summary>Term sets of every density over vocabularies from one line to the 65,536-term limit.</summary>
    private static readonly Gen<(int Vocabulary, int[] Terms, int[] Probes)> Cases =
        from vocabulary in Gen.OneOf(Gen.Int[1, 600], Gen.Int[1, 65_536])
        from density in Gen.Double[0, 1]
        from seed in Gen.Int
        from probes in Gen.Int[0, vocabulary - 1].Array[0, 80]
        select (vocabulary, Subset(vocabulary, density, seed), probes);

    private static int[] Subset(int vocabulary, double density, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, vocabulary).Where(_ => random.NextDouble() < density).ToArray();
    }

    [Fact]
    public void Finds_each_term_at_its_rank_in_the_set_and_nothing_else() =>
        Cases.Sample(c =>
        {
            var termSet = new ulong[RangeForwardLayout.TermLines(c.Vocabulary) * RangeForwardLayout.LineWords];
            RangeForwardWriter.FillTermSet(c.Terms, termSet);
            foreach (int term in c.Probes.Concat([0, c.Vocabulary - 1]))
                Assert.Equal(Math.Max(-1, Array.BinarySearch(c.Terms, term)), new TermProbe(term).Find(termSet));
        }, iter: 300);

    [Fact]
    public void Every_term_of_a_full_vocabulary_sits_at_its_own_id()
    {
        var terms = Enumerable.Range(0, ushort.MaxValue + 1).ToArray();
        var termSet = new ulong[RangeForwardLayout.TermLines(terms.Length) * RangeForwardLayout.LineWords];
        RangeForwardWriter.FillTermSet(terms, termSet);
        foreach (int term in terms)
            Assert.Equal(term, new TermProbe(term).Find(termSet));
    }

    [Fact]
    public void A_term_beyond_the_set_is_an_error_not_a_stray_read()
    {
        var termSet = new ulong[RangeForwardLayout.LineWords];
        Assert.Throws<ArgumentOutOfRangeException>(() => new TermProbe(RangeForwardLayout.TermsPerLine).Find(termSet));
    }
}
