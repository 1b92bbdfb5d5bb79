using CsCheck;
using SpladeFast.Simd;

namespace SpladeFast.Tests.Simd;

/// <summary>Every path of the bitmap-plus-bytes expansion against the scalar reference and a plain model of it.</summary>
public class RangeBoundExpandTests
{
    /// <summary>Sums of any length (a partial last word, whose bits past it are clear), presence of any density, weights up to a byte's worth of sums.</summary>
    private static readonly Gen<(ulong[] Presence, int Sums, uint Weight, int Extra, int Seed)> Cases =
        from words in Gen.Int[0, 40]
        from density in Gen.Double[0, 1]
        from seed in Gen.Int
        from cut in Gen.Int[0, 63]
        from weight in Gen.UInt[0, 16_843_009]
        from extra in Gen.Int[0, 80]
        select (Presence(words, density, cut, seed), Math.Max(0, words * 64 - cut), weight, extra, seed);

    private static ulong[] Presence(int words, double density, int cut, int seed)
    {
        var random = new Random(seed);
        var presence = new ulong[words];
        for (int bit = 0; bit < words * 64 - cut; bit++)
        {
            if (random.NextDouble() < density)
                presence[bit / 64] |= 1ul << (bit % 64);
        }
        return presence;
    }

    [Fact]
    public void Every_path_equals_the_model_and_reads_one_byte_per_bit_set()
    {
        Cases.Sample(c =>
        {
            var random = new Random(c.Seed);
            int bits = c.Presence.Sum(w => System.Numerics.BitOperations.PopCount(w));
            var bounds = new byte[bits + c.Extra]; // bytes past the term's: the next term's, never read
            random.NextBytes(bounds);
            var start = Enumerable.Range(0, c.Sums).Select(_ => (uint)random.Next(0, 1 << 20)).ToArray();
            var expected = (uint[])start.Clone();
            for (int r = 0, next = 0; r < c.Sums; r++)
            {
                if ((c.Presence[r / 64] >> (r % 64) & 1) != 0)
                    expected[r] += c.Weight * bounds[next++];
            }
            foreach (var path in VectorPaths.All.Where(RangeBoundExpand.IsSupported))
            {
                var sums = (uint[])start.Clone();
                Assert.Equal(bits, RangeBoundExpand.AddExpanded(path, c.Presence, bounds, c.Weight, sums));
                Assert.True(expected.AsSpan().SequenceEqual(sums), $"{path} differs");
            }
        }, iter: 400);
    }

    [Fact]
    public void Fewer_bounds_than_bits_are_refused_and_unsupported_paths_named()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RangeBoundExpand.AddExpanded(VectorPath.Scalar, [0b111ul], new byte[2], 1, new uint[64]));
        Assert.Throws<IndexOutOfRangeException>(() => RangeBoundExpand.AddExpanded(VectorPath.Scalar, [1ul << 40], new byte[1], 1, new uint[40]));
        Assert.False(RangeBoundExpand.IsSupported(VectorPath.Vector256));
        Assert.Throws<ArgumentException>(() => RangeBoundExpand.AddExpanded(VectorPath.Vector256, [], [], 1, []));
        Assert.True(RangeBoundExpand.IsSupported(RangeBoundExpand.Best));
    }
}
