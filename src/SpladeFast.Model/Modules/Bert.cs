using SpladeFast.Model.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpladeFast.Model.Modules;

/// <summary>
/// BertForMaskedLM with Hugging Face parameter names (bert.embeddings.*, bert.encoder.layer.N.*,
/// cls.predictions.*), so checkpoints load by name. Post-LayerNorm encoder; the decoder reuses the word
/// embeddings unless the checkpoint has its own decoder weight.
/// </summary>
public sealed class BertMaskedLm : nn.Module<Tensor, Tensor, Tensor>, IMaskedLm
{
    private readonly BertBody _bert;
    private readonly BertPredictionHead _predictions;

    public BertMaskedLm(ModelConfig config) : base(nameof(BertMaskedLm))
    {
        _bert = new BertBody(config);
        _predictions = new BertPredictionHead(config);
        register_module("bert", _bert);
        register_module("cls", new NamedScope("cls", ("predictions", _predictions)));
    }

    public ModelConfig Config => _bert.Config;
    public Parameter WordEmbeddings => _bert.WordEmbeddings;
    public string DecoderWeightName => "cls.predictions.decoder.weight";
    public string DecoderBiasName => "cls.predictions.bias";

    public void UseDecoderWeight(Tensor? weight) => _predictions.SetDecoder(weight);

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var hidden = _bert.call(inputIds, attentionMask);
        return _predictions.Logits(hidden, _bert.WordEmbeddings);
    }

    private sealed class BertBody : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Embedding _words, _positions, _types;
        private readonly LayerNorm _norm;
        private readonly ModuleList<BertLayer> _layers;

        public BertBody(ModelConfig config) : base("bert")
        {
            Config = config;
            _words = nn.Embedding(config.VocabularySize, config.Hidden);
            _positions = nn.Embedding(config.MaxPositions, config.Hidden);
            _types = nn.Embedding(Math.Max(1, config.TypeVocabularySize), config.Hidden);
            _norm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
            _layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new BertLayer(config)).ToArray());
            register_module("embeddings", new NamedScope("embeddings",
                ("word_embeddings", _words), ("position_embeddings", _positions), ("token_type_embeddings", _types), ("LayerNorm", _norm)));
            register_module("encoder", new NamedScope("encoder", ("layer", _layers)));
        }

        public ModelConfig Config { get; }
        public Parameter WordEmbeddings => _words.weight!;

        public override Tensor forward(Tensor inputIds, Tensor attentionMask)
        {
            using var scope = NewDisposeScope();
            var positions = arange(inputIds.shape[1], device: inputIds.device).unsqueeze(0);
            var x = _norm.call(_words.call(inputIds) + _positions.call(positions) + _types.call(zeros_like(inputIds)));
            var mask = Attention.Additive(attentionMask, x.dtype);
            foreach (var layer in _layers)
                x = layer.call(x, mask);
            return x.MoveToOuterDisposeScope();
        }
    }

    private sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear _query, _key, _value, _attentionDense, _intermediate, _output;
        private readonly LayerNorm _attentionNorm, _outputNorm;
        private readonly int _heads;
        private readonly string _activation;

        public BertLayer(ModelConfig config) : base("layer")
        {
            _heads = config.Heads;
            _activation = config.Activation;
            _query = nn.Linear(config.Hidden, config.Hidden);
            _key = nn.Linear(config.Hidden, config.Hidden);
            _value = nn.Linear(config.Hidden, config.Hidden);
            _attentionDense = nn.Linear(config.Hidden, config.Hidden);
            _attentionNorm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
            _intermediate = nn.Linear(config.Hidden, config.Intermediate);
            _output = nn.Linear(config.Intermediate, config.Hidden);
            _outputNorm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
            register_module("attention", new NamedScope("attention",
                ("self", new NamedScope("self", ("query", _query), ("key", _key), ("value", _value))),
                ("output", new NamedScope("output", ("dense", _attentionDense), ("LayerNorm", _attentionNorm)))));
            register_module("intermediate", new NamedScope("intermediate", ("dense", _intermediate)));
            register_module("output", new NamedScope("output", ("dense", _output), ("LayerNorm", _outputNorm)));
        }

        public override Tensor forward(Tensor x, Tensor mask) =>
            Attention.EncoderLayer(x, mask, _heads, _activation, _query, _key, _value, _attentionDense, _attentionNorm, _intermediate, _output, _outputNorm);
    }

    private sealed class BertPredictionHead : nn.Module
    {
        private readonly Linear _dense;
        private readonly LayerNorm _norm;
        private readonly Parameter _bias;
        private readonly string _activation;
        private Parameter? _decoder;

        public BertPredictionHead(ModelConfig config) : base("predictions")
        {
            _activation = config.Activation;
            _dense = nn.Linear(config.Hidden, config.Hidden);
            _norm = nn.LayerNorm(config.Hidden, config.LayerNormEpsilon);
            _bias = nn.Parameter(zeros(config.VocabularySize));
            register_module("transform", new NamedScope("transform", ("dense", _dense), ("LayerNorm", _norm)));
            register_parameter("bias", _bias);
        }

        public void SetDecoder(Tensor? weight)
        {
            _decoder = weight is null ? null : nn.Parameter(weight.clone());
            if (_decoder is not null)
            {
                var decoder = new NamedScope("decoder");
                decoder.Add("weight", _decoder);
                register_module("decoder", decoder);
            }
        }

        public Tensor Logits(Tensor hidden, Parameter wordEmbeddings)
        {
            using var scope = NewDisposeScope();
            var transformed = _norm.call(Attention.Activate(_dense.call(hidden), _activation));
            return (transformed.matmul((_decoder ?? wordEmbeddings).t()) + _bias).MoveToOuterDisposeScope();
        }
    }
}
