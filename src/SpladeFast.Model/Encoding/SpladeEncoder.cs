using SpladeFast.Model.Checkpoints;
using SpladeFast.Model.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Encoding;

public enum Pooling
{
    /// <summary>SPLADE v2 / SPLADE++: max over positions.</summary>
    Max,
    /// <summary>SPLADE v1: sum over positions.</summary>
    Sum,
}

public sealed record EncodeOptions
{
    public Pooling Pooling { get; init; } = Pooling.Max;
    public int MaxLength { get; init; } = 256;
    public int BatchSize { get; init; } = 32;
    /// <summary>Keep only the heaviest terms of each vector (0: all).</summary>
    public int MaxTerms { get; init; }
    /// <summary>Drop weights at or below this.</summary>
    public float MinWeight { get; init; }
}

/// <summary>A sparse vector over the WordPiece vocabulary, terms increasing.</summary>
public sealed record SparseTermVector(int[] Terms, float[] Weights);

/// <summary>
/// SPLADE: w_j = pool over positions i of log(1 + ReLU(logit_ij)), positions masked by the attention mask.
/// Runs the masked-LM under inference mode; texts are batched by length so padding stays small.
/// </summary>
public sealed class SpladeEncoder : IDisposable
{
    private readonly nn.Module<Tensor, Tensor, Tensor> _model;
    private readonly Device _device;

    private SpladeEncoder(nn.Module<Tensor, Tensor, Tensor> model, ModelConfig config, SpladeTokenizer tokenizer, Device device)
    {
        _model = model;
        Config = config;
        Tokenizer = tokenizer;
        _device = device;
    }

    public ModelConfig Config { get; }
    public SpladeTokenizer Tokenizer { get; }

    /// <param name="precision">fp32, or bf16 / fp16 (fp16 on CUDA only) to run the model in half precision.</param>
    public static SpladeEncoder Load(string directory, string device = "cpu", string precision = "fp32")
    {
        var target = ResolveDevice(device);
        var dtype = precision switch
        {
            "fp32" => ScalarType.Float32,
            "bf16" => ScalarType.BFloat16,
            "fp16" when target.type == DeviceType.CUDA => ScalarType.Float16,
            "fp16" => throw new ArgumentException("fp16 runs on CUDA only; use bf16 or fp32 on the CPU"),
            _ => throw new ArgumentException($"Unknown precision '{precision}' (fp32, bf16 or fp16)."),
        };
        var model = CheckpointLoader.Load(directory, out var config);
        var tokenizer = SpladeTokenizer.FromDirectory(directory);
        if (tokenizer.VocabularySize != config.VocabularySize)
            throw new InvalidDataException($"{directory}: the tokenizer has {tokenizer.VocabularySize} tokens, config.json says {config.VocabularySize}");
        model.to(target);
        if (dtype != ScalarType.Float32)
            model.to(dtype);
        return new SpladeEncoder(model, config, tokenizer, target);
    }

    /// <summary>An encoder with freshly initialised weights, for benchmarks and training starts.</summary>
    public static SpladeEncoder WithRandomWeights(ModelConfig config, SpladeTokenizer tokenizer, string device = "cpu")
    {
        var target = ResolveDevice(device);
        nn.Module<Tensor, Tensor, Tensor> model = config.Kind == ModelKind.Bert ? new Modules.BertMaskedLm(config) : new Modules.DistilBertMaskedLm(config);
        model.eval();
        model.to(target);
        return new SpladeEncoder(model, config, tokenizer, target);
    }

    public static Device ResolveDevice(string device) => device switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new InvalidOperationException("--device cuda: no CUDA device or no CUDA build of TorchSharp (build with -p:TorchBackend=cuda on a machine with a GPU)"),
        _ => throw new ArgumentException($"Unknown device '{device}' (cpu or cuda)."),
    };

    /// <summary>Texts are cut to the options' maximum length, and never beyond the model's position table.</summary>
    public SparseTermVector[] Encode(IReadOnlyList<string> texts, EncodeOptions options)
    {
        int maxLength = Math.Min(options.MaxLength, Config.MaxPositions);
        return EncodeIds(texts.Select(t => Tokenizer.Encode(t, maxLength)).ToList(), options);
    }

    /// <summary>Encodes already tokenized inputs ([CLS] ... [SEP] ids).</summary>
    public SparseTermVector[] EncodeIds(IReadOnlyList<int[]> inputs, EncodeOptions options)
    {
        if (inputs.FirstOrDefault(i => i.Length > Config.MaxPositions || i.Length == 0) is { } bad)
            throw new ArgumentException($"An input has {bad.Length} ids; the model takes 1 to {Config.MaxPositions}.", nameof(inputs));
        var results = new SparseTermVector[inputs.Count];
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => inputs[i].Length).ToArray();
        using var inference = inference_mode();
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray();
            var weights = EncodeBatch(batch.Select(i => inputs[i]).ToArray(), options.Pooling);
            // Finite weights can still overflow in half precision: NaN would drop out of the vector unseen.
            int nonFinite = FloatChecks.FirstNonFinite(weights);
            if (nonFinite >= 0)
                throw new InvalidOperationException($"the model computed {FloatChecks.Name(weights[nonFinite])} for term {nonFinite % Config.VocabularySize} of a text of "
                    + $"{inputs[batch[nonFinite / Config.VocabularySize]].Length} ids (an overflow; with --precision fp16 or bf16, try fp32)");
            for (int b = 0; b < batch.Length; b++)
                results[batch[b]] = Sparsify(weights.AsSpan(b * Config.VocabularySize, Config.VocabularySize), options);
        }
        return results;
    }

    private float[] EncodeBatch(int[][] inputs, Pooling pooling)
    {
        using var scope = NewDisposeScope();
        var (idTensor, maskTensor) = SpladePooling.Pad(inputs, Tokenizer.PadId, _device);
        var pooled = SpladePooling.Pool(_model.call(idTensor, maskTensor), maskTensor, pooling);
        return pooled.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    private static SparseTermVector Sparsify(ReadOnlySpan<float> dense, EncodeOptions options)
    {
        var terms = new List<int>();
        for (int j = 0; j < dense.Length; j++)
        {
            if (dense[j] > options.MinWeight)
                terms.Add(j);
        }
        if (options.MaxTerms > 0 && terms.Count > options.MaxTerms)
        {
            var denseCopy = dense.ToArray();
            terms = terms.OrderByDescending(t => denseCopy[t]).ThenBy(t => t).Take(options.MaxTerms).Order().ToList();
        }
        var weights = new float[terms.Count];
        for (int i = 0; i < terms.Count; i++)
            weights[i] = dense[terms[i]];
        return new SparseTermVector(terms.ToArray(), weights);
    }

    public void Dispose() => _model.Dispose();
}
