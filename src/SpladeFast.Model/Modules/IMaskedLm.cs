using SpladeFast.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Modules;

/// <summary>A masked language model: token ids and attention mask in, vocabulary logits out.</summary>
public interface IMaskedLm
{
    ModelConfig Config { get; }
    /// <summary>The word embeddings, which the decoder reuses when the checkpoint ties them.</summary>
    TorchSharp.Modules.Parameter WordEmbeddings { get; }
    /// <summary>Hugging Face name of an untied decoder weight, absent from tied checkpoints.</summary>
    string DecoderWeightName { get; }
    string DecoderBiasName { get; }
    void UseDecoderWeight(Tensor? weight);
}
