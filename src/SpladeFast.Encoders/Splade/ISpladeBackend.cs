namespace SpladeFast.Encoders.Splade;

/// <summary>
/// A masked-LM runtime under <see cref="SpladeEncoder"/>: token ids in, SPLADE weights out. TorchSharp
/// (SpladeFast.Model) and ONNX Runtime (SpladeFast.Onnx) implement it; <see cref="EncoderBackends"/> picks one.
/// </summary>
public interface ISpladeBackend : IDisposable
{
    /// <summary>The runtime and what it runs, e.g. <c>onnx(model.onnx, int8)</c>, for logs and /stats.</summary>
    string Name { get; }
    /// <summary>Logit rows per position: the vocabulary the weights are over.</summary>
    int VocabularySize { get; }
    /// <summary>The longest input the model's position table takes.</summary>
    int MaxPositions { get; }

    /// <summary>
    /// Runs one batch, padded to its longest input, and pools it: w_j = pool over the real positions i of
    /// log(1 + ReLU(logit_ij)) (<see cref="SpladePooling"/>).
    /// </summary>
    /// <param name="inputs">[CLS] ... [SEP] ids, 1 to <see cref="MaxPositions"/> each.</param>
    /// <param name="pooling">Max (SPLADE v2, SPLADE++) or sum (SPLADE v1) over the positions.</param>
    /// <param name="weights">[inputs.Count, VocabularySize], row-major; written in full.</param>
    void Pool(IReadOnlyList<int[]> inputs, Pooling pooling, Span<float> weights);
}
