using SpladeFast.Encoders.Splade;

namespace SpladeFast.Onnx;

/// <summary>Where a model directory keeps its ONNX graphs, in the file names Hugging Face Optimum and sentence-transformers use.</summary>
public static class OnnxModelFiles
{
    /// <summary>
    /// The graph to run: for <c>none</c>, model.onnx or onnx/model.onnx; for <c>int8</c>, a dynamically quantized
    /// export beside it (model_quantized.onnx, or Optimum's model_qint8_*.onnx / model_quint8_*.onnx), first found.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such graph; the message says where it looked.</exception>
    /// <exception cref="ArgumentException"><paramref name="quantize"/> is neither none nor int8.</exception>
    public static string Find(string directory, string quantize)
    {
        string[] folders = [directory, Path.Combine(directory, "onnx")];
        switch (quantize)
        {
            case "none":
                return EncoderBackends.OnnxModelPath(directory)
                    ?? throw new FileNotFoundException($"{directory}: no model.onnx or onnx/model.onnx (export one with Optimum or sentence-transformers; see the README's Encoders section)");
            case "int8":
                return folders.Where(Directory.Exists).SelectMany(folder => new[] { Path.Combine(folder, "model_quantized.onnx") }
                        .Concat(Directory.EnumerateFiles(folder, "model_qint8_*.onnx").Order(StringComparer.Ordinal))
                        .Concat(Directory.EnumerateFiles(folder, "model_quint8_*.onnx").Order(StringComparer.Ordinal)))
                    .FirstOrDefault(File.Exists)
                    ?? throw new FileNotFoundException($"{directory}: --quantize int8 needs a dynamically quantized graph (model_quantized.onnx or model_qint8_*.onnx, "
                        + "beside model.onnx or in onnx/); make one with Optimum: `optimum-cli onnxruntime quantize --avx512_vnni`");
            default:
                throw new ArgumentException($"Unknown quantization '{quantize}' (none or int8).");
        }
    }
}
