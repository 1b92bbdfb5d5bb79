using SpladeFast.Quantize;

namespace SpladeFast.Tests.Ingest;

public class QuantizerTests
{
    [Theory]
    [InlineData(0.004, 0u)]
    [InlineData(0.005, 0u)] // half to even, as Python's round()
    [InlineData(0.015, 2u)]
    [InlineData(0.025, 2u)]
    [InlineData(1.0, 100u)]
    [InlineData(0.285, 28u)] // 0.285 * 100 = 28.499999999999996 in binary floating point, as in Python
    [InlineData(0.125, 12u)]
    public void Fixed_scale_rounds_as_naver_splade_export(double weight, uint expected)
    {
        Assert.True(ImpactQuantizer.Fixed().TryQuantize(weight, out uint impact));
        Assert.Equal(expected, impact);
    }

    [Fact]
    public void Fixed_scale_refuses_impacts_beyond_16_bits()
    {
        Assert.True(ImpactQuantizer.Fixed().TryQuantize(655.35, out _));
        Assert.False(ImpactQuantizer.Fixed().TryQuantize(655.36, out _));
    }

    [Fact]
    public void Linear_quantizer_maps_the_largest_weight_to_the_top_and_keeps_every_positive_weight()
    {
        var q = ImpactQuantizer.Linear(8, 3.0);
        Assert.True(q.TryQuantize(3.0, out uint top));
        Assert.Equal(255u, top);
        Assert.True(q.TryQuantize(1e-9, out uint tiny));
        Assert.Equal(1u, tiny);
        Assert.True(q.TryQuantize(0, out uint zero));
        Assert.Equal(0u, zero);
    }
}
