using System.Runtime.InteropServices;
using Google.Protobuf;
using SpladeFast.Onnx.Quantization.Proto;

namespace SpladeFast.Onnx.Quantization;

/// <summary>What <see cref="Int8Quantizer.Quantize"/> changed.</summary>
/// <param name="MatMuls">MatMul nodes rewritten (those whose weight is a 2-D float initializer).</param>
/// <param name="Weights">Weights quantized.</param>
/// <param name="LargestWeightDifference">max |w - dequantized(w)| over every quantized weight.</param>
/// <param name="BytesBefore">The graph's size in bytes before.</param>
/// <param name="BytesAfter">The graph's size in bytes after.</param>
public sealed record QuantizationReport(int MatMuls, long Weights, double LargestWeightDifference, long BytesBefore, long BytesAfter);

/// <summary>
/// Dynamic int8 quantization as ONNX Runtime's <c>quantize_dynamic</c> does it, as a graph rewrite: every MatMul
/// whose second input is a float [K, N] initializer becomes DynamicQuantizeLinear (activations to uint8 with a scale
/// and zero point computed per call) -> MatMulInteger with the weight quantized per output column -> Cast to float
/// -> Mul by the two scales. ONNX Runtime fuses that chain into its quantized kernels. Weights are uint8 with zero
/// point 128 and scale max|w| / 127 per column (symmetric; uint8 x uint8 cannot saturate the int16 pairs AVX2
/// kernels add, as uint8 x int8 can).
/// </summary>
public static class Int8Quantizer
{
    private const int Float = 1, UInt8 = 2;

    /// <exception cref="InvalidDataException">The bytes are not an ONNX model, or a weight lives in an external data file.</exception>
    public static (byte[] Model, QuantizationReport Report) Quantize(byte[] onnx, string path)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not an ONNX model ({e.Message})", e);
        }
        var graph = model.Graph ?? throw new InvalidDataException($"{path}: the ONNX model has no graph");
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).GroupBy(i => i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        int matMuls = 0;
        long weights = 0;
        double largest = 0;
        foreach (var node in graph.Node)
        {
            if (node.OpType != "MatMul" || node.Domain.Length != 0 || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weight) || weight.DataType != Float || weight.Dims.Count != 2)
            {
                nodes.Add(node);
                continue;
            }
            if (weight.DataLocation != 0)
                throw new InvalidDataException($"{path}: weight {weight.Name} is in an external data file; --quantize int8 reads weights stored in the graph");
            var values = Floats(weight);
            int rows = checked((int)weight.Dims[0]), columns = checked((int)weight.Dims[1]);
            var (quantized, scales, difference) = QuantizeColumns(values, columns);
            largest = Math.Max(largest, difference);
            weights += values.Length;
            matMuls++;
            string prefix = $"{node.Input[1]}_int8";
            graph.Initializer.Add(new TensorProto { Name = $"{prefix}_weight", DataType = UInt8, Dims = { rows, columns }, RawData = ByteString.CopyFrom(quantized) });
            graph.Initializer.Add(new TensorProto { Name = $"{prefix}_zero_point", DataType = UInt8, Dims = { columns }, RawData = ByteString.CopyFrom(Enumerable.Repeat((byte)128, columns).ToArray()) });
            graph.Initializer.Add(new TensorProto { Name = $"{prefix}_scale", DataType = Float, Dims = { columns }, FloatData = { scales } });
            string step = $"{node.Output[0]}_{matMuls}_int8";
            nodes.Add(Node("DynamicQuantizeLinear", $"{step}_quantize", [node.Input[0]], [$"{step}_a", $"{step}_a_scale", $"{step}_a_zero_point"]));
            nodes.Add(Node("MatMulInteger", $"{step}_matmul", [$"{step}_a", $"{prefix}_weight", $"{step}_a_zero_point", $"{prefix}_zero_point"], [$"{step}_int32"]));
            var cast = Node("Cast", $"{step}_cast", [$"{step}_int32"], [$"{step}_float"]);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeType.Int, I = Float });
            nodes.Add(cast);
            nodes.Add(Node("Mul", $"{step}_scales", [$"{step}_a_scale", $"{prefix}_scale"], [$"{step}_scale"]));
            nodes.Add(Node("Mul", $"{step}_output", [$"{step}_float", $"{step}_scale"], [node.Output[0]]));
            // A weight the graph also reads elsewhere (tied embeddings gathered by the input layer) stays as well.
            if (--uses[weight.Name] == 0)
                graph.Initializer.Remove(weight);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        // DynamicQuantizeLinear needs opset 11 of the default domain.
        foreach (var opset in model.OpsetImport.Where(o => o.Domain.Length == 0 && o.Version < 11))
            opset.Version = 11;
        var bytes = model.ToByteArray();
        return (bytes, new QuantizationReport(matMuls, weights, largest, onnx.Length, bytes.Length));
    }

    /// <summary>Per column j of a row-major [K, columns] matrix: scale = max|w| / 127, q = round(w / scale) + 128.</summary>
    internal static (byte[] Quantized, float[] Scales, double LargestDifference) QuantizeColumns(float[] values, int columns)
    {
        var scales = new float[columns];
        for (int i = 0; i < values.Length; i++)
            scales[i % columns] = Math.Max(scales[i % columns], Math.Abs(values[i]));
        for (int j = 0; j < columns; j++)
            scales[j] = scales[j] > 0 ? scales[j] / 127f : 1f;
        var quantized = new byte[values.Length];
        double largest = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float scale = scales[i % columns];
            int q = (int)Math.Clamp(MathF.Round(values[i] / scale, MidpointRounding.ToEven), -127, 127);
            quantized[i] = (byte)(q + 128);
            largest = Math.Max(largest, Math.Abs(values[i] - q * scale));
        }
        return (quantized, scales, largest);
    }

    private static float[] Floats(TensorProto tensor) =>
        tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs) =>
        new() { OpType = op, Name = name, Input = { inputs }, Output = { outputs } };
}
