using SpladeFast.Model.Checkpoints;
using SpladeFast.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Encoding;

/// <summary>
/// The TorchSharp SPLADE backend: a Hugging Face masked-LM directory (config.json, model.safetensors) run under
/// inference mode on the CPU or CUDA, in fp32, bf16 or fp16, pooled on the device by <see cref="TorchPooling"/>.
/// </summary>
public sealed class TorchBackend : ISpladeBackend
{
    private readonly nn.Module<Tensor, Tensor, Tensor> _model;
    private readonly Device _device;

    private TorchBackend(nn.Module<Tensor, Tensor, Tensor> model, ModelConfig config, Device device, string name)
    {
        _model = model;
        Config = config;
        _device = device;
        Name = name;
    }

    public ModelConfig Config { get; }
    public string Name { get; }
    public int VocabularySize => Config.VocabularySize;
    public int MaxPositions => Config.MaxPositions;

    /// <summary>Makes <c>torch</c> loadable through <see cref="EncoderBackends"/>.</summary>
    public static void Register() => EncoderBackends.Register(EncoderBackends.Torch, Load);

    /// <param name="directory">A Hugging Face model directory (config.json, safetensors weights, vocab.txt).</param>
    /// <param name="settings">Device cpu or cuda; precision fp32, or bf16 / fp16 (fp16 on CUDA only); threads (0: TorchSharp's default) set for the process.</param>
    /// <exception cref="ArgumentException">A setting TorchSharp does not take (a precision, or --quantize).</exception>
    public static TorchBackend Load(string directory, BackendSettings settings)
    {
        if (settings.Quantize != "none")
            throw new ArgumentException($"--quantize {settings.Quantize} runs on the onnx backend only (--backend onnx)");
        var target = ResolveDevice(settings.Device);
        var dtype = settings.Precision switch
        {
            "fp32" => ScalarType.Float32,
            "bf16" => ScalarType.BFloat16,
            "fp16" when target.type == DeviceType.CUDA => ScalarType.Float16,
            "fp16" => throw new ArgumentException("fp16 runs on CUDA only; use bf16 or fp32 on the CPU"),
            _ => throw new ArgumentException($"Unknown precision '{settings.Precision}' (fp32, bf16 or fp16)."),
        };
        if (settings.Threads > 0)
            set_num_threads(settings.Threads);
        var model = CheckpointLoader.Load(directory, out var config);
        model.to(target);
        if (dtype != ScalarType.Float32)
            model.to(dtype);
        return new TorchBackend(model, config, target, $"torch({settings.Device}, {settings.Precision})");
    }

    /// <summary>A model with freshly initialised weights, for benchmarks and training starts.</summary>
    public static TorchBackend WithRandomWeights(ModelConfig config, string device = "cpu")
    {
        var target = ResolveDevice(device);
        nn.Module<Tensor, Tensor, Tensor> model = config.Kind == ModelKind.Bert ? new BertMaskedLm(config) : new DistilBertMaskedLm(config);
        model.eval();
        model.to(target);
        return new TorchBackend(model, config, target, $"torch({device}, random)");
    }

    public static Device ResolveDevice(string device) => device switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new InvalidOperationException("--device cuda: no CUDA device or no CUDA build of TorchSharp (build with -p:TorchBackend=cuda on a machine with a GPU)"),
        _ => throw new ArgumentException($"Unknown device '{device}' (cpu or cuda)."),
    };

    public void Pool(IReadOnlyList<int[]> inputs, Pooling pooling, Span<float> weights)
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var (ids, mask) = TorchPooling.Pad(inputs, 0, _device);
        var pooled = TorchPooling.Pool(_model.call(ids, mask), mask, pooling).to_type(ScalarType.Float32).cpu().contiguous();
        pooled.data<float>().CopyTo(weights);
    }

    public void Dispose() => _model.Dispose();
}
