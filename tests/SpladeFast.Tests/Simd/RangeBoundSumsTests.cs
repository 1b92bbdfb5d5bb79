using SpladeFast.Build;
using SpladeFast.Simd;

namespace SpladeFast.Tests.Simd;

public class RangeBoundSumsTests
{
    /// <summary>Every length up to two Vector512 blocks of bytes and one more, so every tail is covered.</summary>
    public static TheoryData<int> Lengths()
    {
        var lengths = new TheoryData<int>();
        for (int length = 0; length <= 2 * 64 + 1; length++)
            lengths.Add(length);
        return lengths;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Every_vector_path_equals_the_scalar_path(int length)
    {
        var random = new Random(length);
        foreach (uint weight in new uint[] { 0, 1, 7, 255, 65_535, 16_843_009 })
        {
            var bounds = new byte[length];
            random.NextBytes(bounds);
            var start = Enumerable.Range(0, length + 3).Select(_ => (uint)random.Next(0, 1 << 20)).ToArray();
            var expected = (uint[])start.Clone();
            RangeBoundSums.AddScaled(VectorPath.Scalar, bounds, weight, expected);
            for (int i = 0; i < length; i++)
                Assert.Equal(start[i] + weight * bounds[i], expected[i]);
            Assert.Equal(start[length..], expected[length..]);
            foreach (var path in VectorPaths.All.Where(VectorPaths.IsSupported))
            {
                var sums = (uint[])start.Clone();
                RangeBoundSums.AddScaled(path, bounds, weight, sums);
                Assert.True(expected.AsSpan().SequenceEqual(sums), $"{path} differs at length {length}, weight {weight}");
            }
        }
    }

    [Fact]
    public void The_widest_supported_path_is_chosen()
    {
        Assert.True(VectorPaths.IsSupported(RangeBoundSums.Best));
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            Assert.NotEqual(VectorPath.Scalar, RangeBoundSums.Best);
    }

    [Fact]
    public void Arguments_are_checked_before_any_work()
    {
        Assert.Throws<ArgumentException>(() => RangeBoundSums.AddScaled(VectorPath.Scalar, new byte[5], 1, new uint[4]));
    }

    [Theory]
    [InlineData(0u, 0u, 0)]
    [InlineData(1u, 1u, 255)]
    [InlineData(1u, 300u, 1)]
    [InlineData(100u, 300u, 85)]
    [InlineData(101u, 300u, 86)]
    [InlineData(65_535u, 65_535u, 255)]
    public void Quantized_range_maxima_round_up(uint max, uint termMax, int expected)
    {
        byte q = RangeBoundsWriter.Quantize(max, termMax);
        Assert.Equal(expected, q);
        Assert.True(q * (double)termMax / 255 >= max);
    }
}
