using SpladeFast.Encoders.Splade;

namespace SpladeFast.Tests.Support;

/// <summary>SPLADE encoders through the backend registry, with both backends registered as the CLI has them.</summary>
public static class Backends
{
    static Backends()
    {
        SpladeFast.Model.Encoding.TorchBackend.Register();
        Onnx.OnnxBackend.Register();
    }

    public static SpladeEncoder Load(string directory, string backend, BackendSettings? settings = null) =>
        EncoderBackends.Load(directory, backend, settings ?? new BackendSettings());
}
