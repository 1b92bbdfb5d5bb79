using SpladeFast.Encoders.Splade;

namespace SpladeFast.Onnx;

/// <summary>Where a model directory keeps its ONNX graphs, in the file names Hugging Face Optimum and sentence-transformers use.</summary>
public static class OnnxModelFiles
{
    /// <summary>The plain graph: model.onnx, else onnx/model.onnx.</summary>
    /// <exception cref="FileNotFoundException">There is neither; the message says how to get one.</exception>
    public static string Find(string directory) =>
        EncoderBackends.OnnxModelPath(directory)
        ?? throw new FileNotFoundException($"{directory}: no model.onnx or onnx/model.onnx (export one with Optimum or sentence-transformers; see the README's Encoders section)");

    /// <summary>
    /// A dynamically quantized export beside the plain graph (model_quantized.onnx, or Optimum's model_qint8_*.onnx /
    /// model_quint8_*.onnx, in the directory or onnx/), first found, or null.
    /// </summary>
    public static string? FindQuantized(string directory) =>
        new[] { directory, Path.Combine(directory, "onnx") }.Where(Directory.Exists).SelectMany(folder => new[] { Path.Combine(folder, "model_quantized.onnx") }
                .Concat(Directory.EnumerateFiles(folder, "model_qint8_*.onnx").Order(StringComparer.Ordinal))
                .Concat(Directory.EnumerateFiles(folder, "model_quint8_*.onnx").Order(StringComparer.Ordinal)))
            .FirstOrDefault(File.Exists);
}
