using TorchSharp;

namespace SpladeFast.Tests.Model;

[Collection("Torch")]
public class TorchLoadTests
{
    [Fact]
    public void TorchSharp_loads_and_computes()
    {
        using var x = torch.ones(2, 3);
        using var y = (x * 2).sum();
        Assert.Equal(12f, y.item<float>());
    }
}
