using SpladeFast.Model.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpladeFast.Model.Modules;

/// <summary>
/// DistilBertForMaskedLM with Hugging Face parameter names (distilbert.embeddings.*,
/// distilbert.transformer.layer.N.*, vocab_transform, vocab_layer_norm, vocab_projector).
/// </summary>
public sealed class DistilBertMaskedLm : nn.Module<Tensor, Tensor, Tensor>, IMaskedLm
{
    private readonly Embedding _words, _positions;
    private readonly LayerNorm _embeddingNorm, _vocabularyNorm;
    private readonly ModuleList<DistilBertLayer> _layers;
    private readonly Linear _vocabularyTransform;
    private readonly Parameter _projectorBias;
    private Parameter? _projector;

    public DistilBertMaskedLm(ModelConfig config) : base(nameof(DistilBertMaskedLm))
    {
        Config = config;
        _words = nn.Embedding(config.VocabularySize, config.Hidden);
        _positions = nn.Embedding(config.MaxPositions, config.Hidden);
        _embeddingNorm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
        _layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new DistilBertLayer(config)).ToArray());
        _vocabularyTransform = nn.Linear(config.Hidden, config.Hidden);
        _vocabularyNorm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
        _projectorBias = nn.Parameter(zeros(config.VocabularySize));
        register_module("distilbert", new NamedScope("distilbert",
            ("embeddings", new NamedScope("embeddings", ("word_embeddings", _words), ("position_embeddings", _positions), ("LayerNorm", _embeddingNorm))),
            ("transformer", new NamedScope("transformer", ("layer", _layers)))));
        register_module("vocab_transform", _vocabularyTransform);
        register_module("vocab_layer_norm", _vocabularyNorm);
        var projector = new NamedScope("vocab_projector");
        projector.Add("bias", _projectorBias);
        register_module("vocab_projector", projector);
    }

    public ModelConfig Config { get; }
    public Parameter WordEmbeddings => _words.weight!;
    public string DecoderWeightName => "vocab_projector.weight";
    public string DecoderBiasName => "vocab_projector.bias";

    public void UseDecoderWeight(Tensor? weight)
    {
        _projector = weight is null ? null : nn.Parameter(weight.clone());
        if (_projector is not null)
            ((NamedScope)named_children().First(c => c.name == "vocab_projector").module).Add("weight", _projector);
    }

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var positions = arange(inputIds.shape[1], device: inputIds.device).unsqueeze(0);
        var x = _embeddingNorm.call(_words.call(inputIds) + _positions.call(positions));
        var mask = Attention.Additive(attentionMask, x.dtype);
        foreach (var layer in _layers)
            x = layer.call(x, mask);
        var transformed = _vocabularyNorm.call(Attention.Activate(_vocabularyTransform.call(x), Config.Activation));
        return (transformed.matmul((_projector ?? WordEmbeddings).t()) + _projectorBias).MoveToOuterDisposeScope();
    }

    private sealed class DistilBertLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear _query, _key, _value, _out, _inner, _outer;
        private readonly LayerNorm _attentionNorm, _outputNorm;
        private readonly int _heads;
        private readonly string _activation;

        public DistilBertLayer(ModelConfig config) : base("layer")
        {
            _heads = config.Heads;
            _activation = config.Activation;
            _query = nn.Linear(config.Hidden, config.Hidden);
            _key = nn.Linear(config.Hidden, config.Hidden);
            _value = nn.Linear(config.Hidden, config.Hidden);
            _out = nn.Linear(config.Hidden, config.Hidden);
            _attentionNorm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
            _inner = nn.Linear(config.Hidden, config.Intermediate);
            _outer = nn.Linear(config.Intermediate, config.Hidden);
            _outputNorm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
            register_module("attention", new NamedScope("attention", ("q_lin", _query), ("k_lin", _key), ("v_lin", _value), ("out_lin", _out)));
            register_module("sa_layer_norm", _attentionNorm);
            register_module("ffn", new NamedScope("ffn", ("lin1", _inner), ("lin2", _outer)));
            register_module("output_layer_norm", _outputNorm);
        }

        public override Tensor forward(Tensor x, Tensor mask) =>
            Attention.EncoderLayer(x, mask, _heads, _activation, _query, _key, _value, _out, _attentionNorm, _inner, _outer, _outputNorm);
    }
}
