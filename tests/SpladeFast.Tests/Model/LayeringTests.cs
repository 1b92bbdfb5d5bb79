namespace SpladeFast.Tests.Model;

public class LayeringTests
{
    /// <summary>A server, the encoder abstraction and the ONNX backend run without libtorch: none of them may reference TorchSharp.</summary>
    [Theory]
    [InlineData(typeof(SpladeFast.Server.SearchService))]
    [InlineData(typeof(SpladeFast.Encoders.ITextEncoder))]
    [InlineData(typeof(SpladeFast.Onnx.OnnxBackend))]
    public void Deployments_without_torch_reference_neither_torchsharp_nor_the_model_project(Type type)
    {
        var references = type.Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains(references, r => r!.StartsWith("SpladeFast", StringComparison.Ordinal));
        Assert.DoesNotContain("TorchSharp", references);
        Assert.DoesNotContain("SpladeFast.Model", references);
    }
}
