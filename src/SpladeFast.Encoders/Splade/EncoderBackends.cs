using System.Collections.Concurrent;
using SpladeFast.Encoders.Tokenization;

namespace SpladeFast.Encoders.Splade;

/// <summary>How a backend runs a model, as the command line asks for it.</summary>
public sealed record BackendSettings
{
    /// <summary>cpu or cuda (TorchSharp only).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>fp32, bf16 or fp16 (TorchSharp only).</summary>
    public string Precision { get; init; } = "fp32";
    /// <summary>none, or int8: dynamically quantized MatMul weights (ONNX only).</summary>
    public string Quantize { get; init; } = "none";
    /// <summary>Threads one model call may use (0: the runtime's default).</summary>
    public int Threads { get; init; }
}

/// <summary>
/// The SPLADE backends a program has, by name: a program registers those it links (the CLI both TorchSharp and
/// ONNX Runtime, the server host ONNX Runtime only), so the layers below never reference a runtime. <c>auto</c>
/// picks ONNX for a directory with <c>model.onnx</c> or <c>onnx/model.onnx</c> (the layout Hugging Face Optimum and
/// sentence-transformers export), TorchSharp otherwise.
/// </summary>
public static class EncoderBackends
{
    /// <summary>The TorchSharp backend (SpladeFast.Model).</summary>
    public const string Torch = "torch";
    /// <summary>The ONNX Runtime backend (SpladeFast.Onnx).</summary>
    public const string Onnx = "onnx";
    /// <summary>ONNX when the directory has an ONNX graph, else TorchSharp.</summary>
    public const string Auto = "auto";

    /// <summary>Loads a model directory's masked LM (the tokenizer comes from the same directory).</summary>
    public delegate ISpladeBackend Loader(string directory, BackendSettings settings);

    private static readonly ConcurrentDictionary<string, Loader> Loaders = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="name"/> loadable; registering a name again replaces its loader.</summary>
    public static void Register(string name, Loader loader) => Loaders[name] = loader;

    /// <summary>The registered names, sorted.</summary>
    public static IReadOnlyCollection<string> Registered => Loaders.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The ONNX graph of a model directory: model.onnx, else onnx/model.onnx, else null.</summary>
    public static string? OnnxModelPath(string directory) =>
        new[] { Path.Combine(directory, "model.onnx"), Path.Combine(directory, "onnx", "model.onnx") }.FirstOrDefault(File.Exists);

    /// <summary>The backend <paramref name="requested"/> (torch, onnx or auto) names for <paramref name="directory"/>.</summary>
    public static string Resolve(string requested, string directory) => requested switch
    {
        Auto => OnnxModelPath(directory) is not null ? Onnx : Torch,
        Torch or Onnx => requested,
        _ => throw new ArgumentException($"Unknown backend '{requested}' (torch, onnx or auto)."),
    };

    /// <summary>A SPLADE encoder for a model directory: the backend's model and the directory's tokenizer.</summary>
    /// <exception cref="ArgumentException">The backend is unknown or not part of this program.</exception>
    /// <exception cref="DirectoryNotFoundException">There is no such directory.</exception>
    /// <exception cref="InvalidDataException">The model does not fit the contract, or its vocabulary is not the tokenizer's.</exception>
    public static SpladeEncoder Load(string directory, string backend, BackendSettings settings)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory}: model directory not found");
        string name = Resolve(backend, directory);
        if (!Loaders.TryGetValue(name, out var loader))
            throw new ArgumentException($"the {name} backend is not part of this program (it has: {string.Join(", ", Registered)})"
                + (name == Torch ? $"; {directory} has no model.onnx or onnx/model.onnx for the onnx backend" : ""));
        var model = loader(directory, settings);
        try
        {
            return new SpladeEncoder(model, SpladeTokenizer.FromDirectory(directory));
        }
        catch (Exception e)
        {
            model.Dispose();
            if (e is InvalidDataException)
                throw new InvalidDataException($"{directory}: {e.Message}", e);
            throw;
        }
    }
}
