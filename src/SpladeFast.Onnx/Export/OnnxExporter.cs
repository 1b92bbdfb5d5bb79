using System.Runtime.InteropServices;
using Google.Protobuf;
using SpladeFast.Encoders.Splade;
using SpladeFast.Onnx.Quantization.Proto;

namespace SpladeFast.Onnx.Export;

/// <summary>What <see cref="OnnxExporter.Export"/> wrote.</summary>
/// <param name="Path">The .onnx file written.</param>
/// <param name="Kind">The exported architecture.</param>
/// <param name="Layers">Its transformer layers.</param>
/// <param name="Nodes">Operators in the graph.</param>
/// <param name="Parameters">Float weights stored (transposed copies counted once more).</param>
/// <param name="Bytes">The size of the .onnx file.</param>
public sealed record OnnxExportReport(string Path, ModelKind Kind, int Layers, int Nodes, long Parameters, long Bytes);

/// <summary>
/// Writes a BERT or DistilBERT masked-LM checkpoint (config.json + model.safetensors, as the TorchSharp backend loads
/// it) as an ONNX graph of standard opset-17 operators that fits <see cref="OnnxBackend"/>'s contract: int64
/// <c>input_ids</c> and <c>attention_mask</c> [batch, sequence] in, float <c>logits</c> [batch, sequence, vocabulary]
/// out. The math is the TorchSharp modules' (SpladeFast.Model.Modules.BertMaskedLm, DistilBertMaskedLm): embeddings
/// (BERT adds token type 0's row, as the torch module feeds zeros, so the graph takes no token_type_ids), post-norm
/// encoder layers with the padded keys masked by adding float.MinValue, exact (erf) GELU or ReLU, the masked-LM head
/// with the untied decoder or the word embeddings. Linear weights are stored transposed [in, out] for MatMul, so
/// <see cref="Quantization.Int8Quantizer"/> quantizes every one of them; 1/sqrt(head size) is folded into the query
/// projection. Hugging Face's own export (Optimum, torch.onnx) computes the same function with other operators.
/// </summary>
public static class OnnxExporter
{
    private const int Float = 1, Int64 = 7;
    private const int Opset = 17, IrVersion = 8;

    /// <summary>Exports <paramref name="modelDirectory"/> to <paramref name="output"/>, written atomically.</summary>
    /// <exception cref="FileNotFoundException">config.json or model.safetensors is missing.</exception>
    /// <exception cref="InvalidDataException">config.json or the weights are not a supported checkpoint, or a
    /// tensor is missing or of the wrong shape; the message names the file and the tensor.</exception>
    public static OnnxExportReport Export(string modelDirectory, string output)
    {
        var config = ModelConfig.Load(Path.Combine(modelDirectory, "config.json"));
        string weightsPath = Path.Combine(modelDirectory, "model.safetensors");
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"{modelDirectory}: model.safetensors not found (the exporter reads safetensors checkpoints)", weightsPath);
        var graph = new GraphBuilder(SafeTensorsFile.Read(weightsPath), weightsPath, config);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "splade-fast",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = config.Kind == ModelKind.Bert ? graph.Bert() : graph.DistilBert(),
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        };
        long bytes = Format.AtomicFile.Write(output, stream =>
        {
            model.WriteTo(stream);
            return stream.Length;
        });
        return new OnnxExportReport(output, config.Kind, config.Layers, model.Graph.Node.Count, graph.Parameters, bytes);
    }

    /// <summary>Builds the graph's nodes and initializers from the checkpoint's tensors by Hugging Face name.</summary>
    private sealed class GraphBuilder(Dictionary<string, SafeTensor> tensors, string path, ModelConfig config)
    {
        private readonly GraphProto _graph = new() { Name = "splade_fast_masked_lm" };
        private int _values;

        public long Parameters { get; private set; }

        public GraphProto Bert()
        {
            const string embeddings = "bert.embeddings";
            var typeRow = Tensor($"{embeddings}.token_type_embeddings.weight", -1, config.Hidden).Values.AsSpan(0, config.Hidden).ToArray();
            // Positions plus token type 0, added once here rather than per call (the torch module adds zeros' row).
            var positions = Tensor($"{embeddings}.position_embeddings.weight", config.MaxPositions, config.Hidden).Values.ToArray();
            for (int i = 0; i < positions.Length; i++)
                positions[i] += typeRow[i % config.Hidden];
            var x = Embed($"{embeddings}.word_embeddings.weight", positions, $"{embeddings}.LayerNorm");
            var mask = AdditiveMask();
            for (int layer = 0; layer < config.Layers; layer++)
            {
                string prefix = $"bert.encoder.layer.{layer}";
                x = EncoderLayer(x, mask, $"{prefix}.attention.self.query", $"{prefix}.attention.self.key", $"{prefix}.attention.self.value",
                    $"{prefix}.attention.output.dense", $"{prefix}.attention.output.LayerNorm", $"{prefix}.intermediate.dense", $"{prefix}.output.dense", $"{prefix}.output.LayerNorm");
            }
            // Older checkpoints name the MLM bias cls.predictions.decoder.bias.
            string bias = tensors.ContainsKey("cls.predictions.bias") || !tensors.ContainsKey("cls.predictions.decoder.bias") ? "cls.predictions.bias" : "cls.predictions.decoder.bias";
            return Head(x, "cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm", "cls.predictions.decoder.weight", bias, $"{embeddings}.word_embeddings.weight");
        }

        public GraphProto DistilBert()
        {
            const string embeddings = "distilbert.embeddings";
            var positions = Tensor($"{embeddings}.position_embeddings.weight", config.MaxPositions, config.Hidden).Values;
            var x = Embed($"{embeddings}.word_embeddings.weight", positions, $"{embeddings}.LayerNorm");
            var mask = AdditiveMask();
            for (int layer = 0; layer < config.Layers; layer++)
            {
                string prefix = $"distilbert.transformer.layer.{layer}";
                x = EncoderLayer(x, mask, $"{prefix}.attention.q_lin", $"{prefix}.attention.k_lin", $"{prefix}.attention.v_lin",
                    $"{prefix}.attention.out_lin", $"{prefix}.sa_layer_norm", $"{prefix}.ffn.lin1", $"{prefix}.ffn.lin2", $"{prefix}.output_layer_norm");
            }
            return Head(x, "vocab_transform", "vocab_layer_norm", "vocab_projector.weight", "vocab_projector.bias", $"{embeddings}.word_embeddings.weight");
        }

        /// <summary>LayerNorm(words[input_ids] + positions[0..sequence)), [batch, sequence, hidden].</summary>
        private string Embed(string words, float[] positions, string norm)
        {
            _graph.Input.Add(Value("input_ids", Int64, "batch", "sequence"));
            _graph.Input.Add(Value("attention_mask", Int64, "batch", "sequence"));
            var wordTable = Tensor(words, config.VocabularySize, config.Hidden);
            string gathered = Op("Gather", [Initializer(words, wordTable.Values, config.VocabularySize, config.Hidden), "input_ids"]);
            var length = Op("Shape", ["input_ids"], Int("start", 1), Int("end", 2));
            string table = Op("Slice", [Initializer("position_table", positions, config.MaxPositions, config.Hidden), Int64s("zero", 0), length, Int64s("axis_0", 0)]);
            return LayerNorm(Op("Add", [gathered, table]), norm);
        }

        /// <summary>[batch, 1, 1, sequence]: 0 where attended, float.MinValue where padded, as the torch modules add it to the scores.</summary>
        private string AdditiveMask()
        {
            var castMask = Op("Cast", ["attention_mask"], Int("to", Float));
            var padded = Op("Sub", [Scalar("one", 1f), castMask]);
            var additive = Op("Mul", [padded, Scalar("mask_minimum", float.MinValue)]);
            return Op("Unsqueeze", [additive, Int64s("axes_1_2", 1, 2)]);
        }

        private string EncoderLayer(string x, string mask, string query, string key, string value, string output, string attentionNorm, string inner, string outer, string outputNorm)
        {
            int heads = config.Heads, size = config.Hidden / heads;
            string headShape = Int64s("head_shape", 0, 0, heads, size);
            string Heads(string projected, params long[] permutation) => Op("Transpose", [Op("Reshape", [projected, headShape])], Ints("perm", permutation));
            var q = Heads(Linear(x, query, config.Hidden, config.Hidden, scale: 1 / MathF.Sqrt(size)), 0, 2, 1, 3);
            var k = Heads(Linear(x, key, config.Hidden, config.Hidden), 0, 2, 3, 1);
            var v = Heads(Linear(x, value, config.Hidden, config.Hidden), 0, 2, 1, 3);
            var probabilities = Op("Softmax", [Op("Add", [Op("MatMul", [q, k]), mask])], Int("axis", -1));
            var context = Op("Transpose", [Op("MatMul", [probabilities, v])], Ints("perm", 0, 2, 1, 3));
            var merged = Op("Reshape", [context, Int64s("hidden_shape", 0, 0, config.Hidden)]);
            var attended = LayerNorm(Op("Add", [Linear(merged, output, config.Hidden, config.Hidden), x]), attentionNorm);
            var hidden = Activate(Linear(attended, inner, config.Hidden, config.Intermediate));
            return LayerNorm(Op("Add", [Linear(hidden, outer, config.Intermediate, config.Hidden), attended]), outputNorm);
        }

        /// <summary>LayerNorm(act(dense(x))) projected onto the vocabulary (decoder [vocabulary, hidden], or the tied word embeddings) plus the bias.</summary>
        private GraphProto Head(string x, string dense, string norm, string decoder, string bias, string words)
        {
            var transformed = LayerNorm(Activate(Linear(x, dense, config.Hidden, config.Hidden)), norm);
            var weight = Tensor(tensors.ContainsKey(decoder) ? decoder : words, config.VocabularySize, config.Hidden);
            var projected = Op("MatMul", [transformed, Initializer("decoder_weight_transposed", Transpose(weight.Values, config.VocabularySize, config.Hidden), config.Hidden, config.VocabularySize)]);
            _graph.Node.Add(Node("Add", [projected, Initializer(bias, Tensor(bias, config.VocabularySize).Values, config.VocabularySize)], "logits"));
            _graph.Output.Add(Value("logits", Float, "batch", "sequence", config.VocabularySize));
            return _graph;
        }

        /// <summary>x W^T + b for a torch Linear (weight [out, in]), times <paramref name="scale"/> folded into W and b.</summary>
        private string Linear(string x, string name, int inputs, int outputs, float scale = 1)
        {
            var weight = Transpose(Tensor($"{name}.weight", outputs, inputs).Values, outputs, inputs);
            var bias = Tensor($"{name}.bias", outputs).Values.ToArray();
            if (scale != 1)
            {
                for (int i = 0; i < weight.Length; i++)
                    weight[i] *= scale;
                for (int i = 0; i < bias.Length; i++)
                    bias[i] *= scale;
            }
            var product = Op("MatMul", [x, Initializer($"{name}.weight_transposed", weight, inputs, outputs)]);
            return Op("Add", [product, Initializer($"{name}.bias", bias, outputs)]);
        }

        private string LayerNorm(string x, string name) =>
            Op("LayerNormalization", [x, Initializer($"{name}.weight", Tensor($"{name}.weight", config.Hidden).Values, config.Hidden),
                Initializer($"{name}.bias", Tensor($"{name}.bias", config.Hidden).Values, config.Hidden)],
                Int("axis", -1), new AttributeProto { Name = "epsilon", Type = AttributeType.Float, F = (float)config.LayerNormEpsilon });

        /// <summary>ReLU, or exact GELU x * 0.5 * (1 + erf(x / sqrt 2)) (the pattern ONNX Runtime fuses into its Gelu kernel).</summary>
        private string Activate(string x)
        {
            if (config.Activation == "relu")
                return Op("Relu", [x]);
            var erf = Op("Erf", [Op("Div", [x, Scalar("sqrt_2", MathF.Sqrt(2))])]);
            return Op("Mul", [Op("Mul", [x, Op("Add", [erf, Scalar("one", 1f)])]), Scalar("half", 0.5f)]);
        }

        /// <summary>The checkpoint's tensor, checked against the expected shape (-1: any size).</summary>
        private SafeTensor Tensor(string name, params long[] shape)
        {
            if (!tensors.TryGetValue(name, out var tensor))
                throw new InvalidDataException($"{path}: missing required tensor {name}");
            if (tensor.Shape.Length != shape.Length || tensor.Shape.Zip(shape).Any(d => d.Second >= 0 && d.First != d.Second))
                throw new InvalidDataException($"{path}: tensor {name} has shape [{string.Join(", ", tensor.Shape)}], the model expects [{string.Join(", ", shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]");
            return tensor;
        }

        private static float[] Transpose(float[] values, int rows, int columns)
        {
            var transposed = new float[values.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                    transposed[c * rows + r] = values[r * columns + c];
            }
            return transposed;
        }

        private string Initializer(string name, float[] values, params long[] dims)
        {
            if (_graph.Initializer.Any(t => t.Name == name))
                return name;
            _graph.Initializer.Add(new TensorProto { Name = name, DataType = Float, Dims = { dims }, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) });
            Parameters += values.Length;
            return name;
        }

        private string Scalar(string name, float value)
        {
            if (!_graph.Initializer.Any(t => t.Name == name))
                _graph.Initializer.Add(new TensorProto { Name = name, DataType = Float, FloatData = { value } });
            return name;
        }

        private string Int64s(string name, params long[] values)
        {
            if (!_graph.Initializer.Any(t => t.Name == name))
                _graph.Initializer.Add(new TensorProto { Name = name, DataType = Int64, Dims = { values.Length }, Int64Data = { values } });
            return name;
        }

        /// <summary>Adds a node with a fresh output name and returns that name.</summary>
        private string Op(string op, string[] inputs, params AttributeProto[] attributes)
        {
            string output = $"{op}_{_values++}";
            _graph.Node.Add(Node(op, inputs, output, attributes));
            return output;
        }

        private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes) =>
            new() { OpType = op, Name = $"{output}_node", Input = { inputs }, Output = { output }, Attribute = { attributes } };

        private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

        private static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeType.Ints, Ints = { values } };

        /// <summary>A graph input or output: a tensor of <paramref name="elementType"/> with named (string) or fixed (int) dimensions.</summary>
        private static ValueInfoProto Value(string name, int elementType, params object[] dims)
        {
            var shape = new TensorShapeProto();
            foreach (var dim in dims)
                shape.Dim.Add(dim is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = (int)dim });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
        }
    }
}
