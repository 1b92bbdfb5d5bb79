using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SpladeFast.Encoders.Splade;
using SpladeFast.Onnx.Quantization;

namespace SpladeFast.Onnx;

/// <summary>
/// The ONNX Runtime SPLADE backend. The graph is a fill-mask export (Hugging Face Optimum
/// <c>--task fill-mask</c>, sentence-transformers' <c>backend="onnx"</c>, or <c>torch.onnx.export</c>): int64 inputs
/// <c>input_ids</c> and <c>attention_mask</c> [batch, sequence], optionally <c>token_type_ids</c> (given zeros), and
/// float masked-LM logits [batch, sequence, vocabulary] out (the output named <c>logits</c>, or the only one). SPLADE
/// pooling runs in C# (<see cref="SpladePooling"/>), as for TorchSharp; config.json and the tokenizer come from the
/// model directory, the graph from <c>model.onnx</c> or <c>onnx/model.onnx</c>.
/// </summary>
public sealed class OnnxBackend : ISpladeBackend
{
    private const string InputIds = "input_ids", AttentionMask = "attention_mask", TokenTypeIds = "token_type_ids";

    private readonly InferenceSession _session;
    private readonly string _outputName;
    private readonly bool _tokenTypes;

    private OnnxBackend(InferenceSession session, string outputName, bool tokenTypes, int vocabularySize, int maxPositions, string name)
    {
        _session = session;
        _outputName = outputName;
        _tokenTypes = tokenTypes;
        VocabularySize = vocabularySize;
        MaxPositions = maxPositions;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public int VocabularySize { get; }
    /// <inheritdoc/>
    public int MaxPositions { get; }
    /// <summary>What quantizing at load changed (--quantize int8 without an exported quantized graph), else null.</summary>
    public QuantizationReport? Quantization { get; private init; }
    /// <summary>Makes <c>onnx</c> loadable through <see cref="EncoderBackends"/>.</summary>
    public static void Register() => EncoderBackends.Register(EncoderBackends.Onnx, Load);

    /// <param name="directory">A model directory holding an ONNX export (see <see cref="OnnxModelFiles"/>).</param>
    /// <param name="settings">Threads: intra-op threads of one call (0: ONNX Runtime's default, the physical cores);
    /// quantize none, or int8: the directory's quantized export (<see cref="OnnxModelFiles.FindQuantized"/>), else the
    /// plain graph quantized at load (<see cref="Int8Quantizer"/>). Device and precision must be cpu and fp32.</param>
    /// <exception cref="FileNotFoundException">The directory has no graph for what was asked.</exception>
    /// <exception cref="InvalidDataException">The graph does not fit the contract; the message lists its inputs and outputs.</exception>
    /// <exception cref="ArgumentException">A setting this backend does not take.</exception>
    public static OnnxBackend Load(string directory, BackendSettings settings)
    {
        if (settings.Device != "cpu")
            throw new ArgumentException($"--device {settings.Device}: the onnx backend runs on the CPU (use --backend torch for CUDA)");
        if (settings.Precision != "fp32")
            throw new ArgumentException($"--precision {settings.Precision}: the onnx backend runs the graph's own precision (fp32); use --quantize int8 for a smaller, faster model");
        var config = ModelConfig.Load(Path.Combine(directory, "config.json"));
        string path;
        byte[]? quantized = null;
        QuantizationReport? report = null;
        switch (settings.Quantize)
        {
            case "none":
                path = OnnxModelFiles.Find(directory);
                break;
            case "int8" when OnnxModelFiles.FindQuantized(directory) is { } exported:
                path = exported;
                break;
            case "int8":
                path = OnnxModelFiles.Find(directory);
                (quantized, report) = Int8Quantizer.Quantize(File.ReadAllBytes(path), path);
                break;
            default:
                throw new ArgumentException($"Unknown quantization '{settings.Quantize}' (none or int8).");
        }
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(0, settings.Threads),
            InterOpNumThreads = 1,
        };
        InferenceSession session;
        try
        {
            session = quantized is null ? new InferenceSession(path, options) : new InferenceSession(quantized, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load the graph: {e.Message}", e);
        }
        try
        {
            var (output, tokenTypes) = CheckContract(path, session.InputMetadata, session.OutputMetadata, config.VocabularySize);
            return new OnnxBackend(session, output, tokenTypes, config.VocabularySize, config.MaxPositions,
                $"onnx({Path.GetRelativePath(directory, path)}{(report is null ? "" : FormattableString.Invariant($", int8 at load: {report.MatMuls} MatMuls, largest weight change {report.LargestWeightDifference:G3}"))})")
            {
                Quantization = report,
            };
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The output to read and whether the graph takes token_type_ids, or an error listing what the graph has.</summary>
    internal static (string Output, bool TokenTypes) CheckContract(string path, IReadOnlyDictionary<string, NodeMetadata> inputs,
        IReadOnlyDictionary<string, NodeMetadata> outputs, int vocabularySize)
    {
        InvalidDataException Misfit(string why) => new($"{path}: {why}. The onnx backend takes a fill-mask graph with int64 inputs "
            + $"{InputIds} and {AttentionMask} [batch, sequence] (and optionally {TokenTypeIds}) and one float output logits "
            + $"[batch, sequence, {vocabularySize}] (SPLADE pooling not in the graph); this graph has inputs {Describe(inputs)} and outputs {Describe(outputs)}");
        foreach (string required in new[] { InputIds, AttentionMask })
        {
            if (!inputs.ContainsKey(required))
                throw Misfit($"it has no input {required}");
        }
        foreach (var (name, input) in inputs)
        {
            if (name is not (InputIds or AttentionMask or TokenTypeIds))
                throw Misfit($"its input {name} is not one the backend can feed");
            if (!input.IsTensor || input.ElementDataType != TensorElementType.Int64 || input.Dimensions.Length != 2)
                throw Misfit($"its input {name} is not an int64 tensor [batch, sequence]");
        }
        string output = outputs.ContainsKey("logits") ? "logits"
            : outputs.Count == 1 ? outputs.Keys.First() : throw Misfit("it has no output named logits, and more than one output");
        var logits = outputs[output];
        if (!logits.IsTensor || logits.ElementDataType != TensorElementType.Float || logits.Dimensions.Length != 3)
            throw Misfit($"its output {output} is not a float tensor [batch, sequence, vocabulary]");
        if (logits.Dimensions[2] > 0 && logits.Dimensions[2] != vocabularySize)
            throw Misfit($"its output {output} has {logits.Dimensions[2]} logits per position, config.json a vocabulary of {vocabularySize}");
        return (output, inputs.ContainsKey(TokenTypeIds));
    }

    /// <summary>name (type [dims]) of each value, symbolic dimensions by name.</summary>
    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> values) =>
        values.Count == 0 ? "(none)" : string.Join(", ", values.Select(v => v.Value.IsTensor
            ? $"{v.Key} ({TypeName(v.Value.ElementDataType)} [{string.Join(", ", v.Value.Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : Symbol(v.Value, i)))}])"
            : $"{v.Key} ({v.Value.OnnxValueType})"));

    private static string Symbol(NodeMetadata value, int axis) =>
        axis < value.SymbolicDimensions.Length && !string.IsNullOrEmpty(value.SymbolicDimensions[axis]) ? value.SymbolicDimensions[axis] : "?";

    private static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "double",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <inheritdoc/>
    public void Pool(IReadOnlyList<int[]> inputs, Pooling pooling, Span<float> weights)
    {
        int batch = inputs.Count, length = inputs.Max(i => i.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = inputs[b].Length;
            for (int i = 0; i < inputs[b].Length; i++)
            {
                // Padding keeps id 0 ([PAD] in BERT vocabularies); its positions are masked, so any id would do.
                ids[b * length + i] = inputs[b][i];
                mask[b * length + i] = 1;
            }
        }
        long[] shape = [batch, length];
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typeValue = _tokenTypes ? OrtValue.CreateTensorValueFromMemory(new long[batch * length], shape) : null;
        var names = _tokenTypes ? new[] { InputIds, AttentionMask, TokenTypeIds } : [InputIds, AttentionMask];
        var values = _tokenTypes ? new[] { idValue, maskValue, typeValue! } : [idValue, maskValue];
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, names, values, [_outputName]);
        var logits = outputs[0];
        var actual = logits.GetTensorTypeAndShape().Shape;
        if (actual is not [var b0, var l0, var v0] || b0 != batch || l0 != length || v0 != VocabularySize)
            throw new InvalidDataException($"{Name}: the graph returned logits [{string.Join(", ", actual)}] for input [{batch}, {length}], not [{batch}, {length}, {VocabularySize}]");
        SpladePooling.Pool(logits.GetTensorDataAsSpan<float>(), lengths, length, pooling, weights);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();
}
