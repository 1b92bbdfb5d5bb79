using SpladeFast.Model.Checkpoints;
using SpladeFast.Model.Encoding;
using SpladeFast.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Training;

/// <summary>
/// A masked LM being trained as a SPLADE encoder: representations with gradients, MLM logits, and saving as a
/// Hugging Face directory (config.json, model.safetensors with Hugging Face names, vocab.txt) that <c>encode</c> loads.
/// </summary>
public sealed class SpladeMaskedLm : IDisposable
{
    private SpladeMaskedLm(nn.Module<Tensor, Tensor, Tensor> module, ModelConfig config, SpladeTokenizer tokenizer, Device device)
    {
        Module = module;
        Config = config;
        Tokenizer = tokenizer;
        Device = device;
    }

    public nn.Module<Tensor, Tensor, Tensor> Module { get; }
    public ModelConfig Config { get; }
    public SpladeTokenizer Tokenizer { get; }
    public Device Device { get; }

    /// <summary>From a checkpoint, or fresh BERT weights (normal(0, 0.02), LayerNorm 1, biases 0; see <see cref="ModelInitialization"/>) over the source's vocab.</summary>
    public static SpladeMaskedLm Create(ModelSource source, Device device)
    {
        nn.Module<Tensor, Tensor, Tensor> module;
        ModelConfig config;
        SpladeTokenizer tokenizer;
        if (source.Checkpoint is { } directory)
        {
            module = CheckpointLoader.Load(directory, out config);
            tokenizer = SpladeTokenizer.FromDirectory(directory);
        }
        else
        {
            tokenizer = SpladeTokenizer.FromVocabulary(source.Vocab!);
            config = new ModelConfig(ModelKind.Bert, tokenizer.VocabularySize, source.Hidden, source.Layers, source.Heads, source.Intermediate,
                source.MaxPositions, 2, 1e-12, "gelu");
            module = new BertMaskedLm(config);
            InitializeLikeBert(module);
            if (source.Initialization == ModelInitialization.Lexical)
                InitializeLexically(module, config);
        }
        module.to(device);
        module.train();
        return new SpladeMaskedLm(module, config, tokenizer, device);
    }

    /// <summary>SPLADE max-pooled representations [texts, vocabulary], with gradients.</summary>
    public Tensor Represent(IReadOnlyList<string> texts, int maxLength)
    {
        using var scope = NewDisposeScope();
        int length = Math.Min(maxLength, Config.MaxPositions);
        var (ids, mask) = TorchPooling.Pad(texts.Select(t => Tokenizer.Encode(t, length)).ToList(), Tokenizer.PadId, Device);
        return TorchPooling.Pool(Module.call(ids, mask), mask, Pooling.Max).MoveToOuterDisposeScope();
    }

    public IEnumerable<TorchSharp.Modules.Parameter> Parameters() => Module.parameters();

    /// <summary>Writes the Hugging Face directory (files replaced one by one, the weights last).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), Config.ToHuggingFaceJson());
        File.WriteAllLines(Path.Combine(directory, "vocab.txt"), Tokenizer.Tokens);
        var tensors = Module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        SafeTensors.Write(Path.Combine(directory, "model.safetensors"), tensors);
    }

    private static void InitializeLikeBert(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.Contains("LayerNorm", StringComparison.Ordinal) || name.Contains("layer_norm", StringComparison.Ordinal))
                _ = name.EndsWith(".weight", StringComparison.Ordinal) ? parameter.fill_(1) : parameter.zero_();
            else if (name.EndsWith("bias", StringComparison.Ordinal))
                parameter.zero_();
            else
                nn.init.normal_(parameter, 0, InitialStd);
        }
    }

    /// <summary>
    /// The lexical start: the MLM head's transform begins as the identity, so (with the decoder tied to the word
    /// embeddings and the small-initialised layers leaving the residual stream near the input embedding) each
    /// position's logits start highest for its own token (own logit about hidden x 0.02 x 0.5, the others spread
    /// with deviation 0.02 x sqrt(hidden)); an output bias of minus two such deviations keeps mostly the own
    /// tokens above zero, so SPLADE vectors start as sparse bags of their words (needs hidden 64 or more).
    /// </summary>
    private const double InitialStd = 0.02;

    private static void InitializeLexically(nn.Module module, ModelConfig config)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name is "cls.predictions.transform.dense.weight" or "vocab_transform.weight")
                parameter.copy_(eye(config.Hidden));
            else if (name is "cls.predictions.bias" or "vocab_projector.bias")
                parameter.fill_(-2 * InitialStd * Math.Sqrt(config.Hidden));
        }
    }

    public void Dispose() => Module.Dispose();
}
