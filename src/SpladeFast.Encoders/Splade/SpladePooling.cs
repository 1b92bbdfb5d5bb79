using System.Numerics.Tensors;

namespace SpladeFast.Encoders.Splade;

/// <summary>
/// The SPLADE representation over masked-LM logits (Formal et al., SPLADE v2, 2021): w_j = pool over positions i of
/// log(1 + ReLU(logit_ij)), padded positions excluded; max pooling for SPLADE v2 / SPLADE++, sum for v1. The one
/// definition both backends pool with (the TorchSharp backend runs the same arithmetic on tensors, tested equal).
/// </summary>
public static class SpladePooling
{
    /// <param name="logits">[lengths.Length, positions, vocabulary], row-major; inputs padded on the right.</param>
    /// <param name="lengths">Real positions of each input (a prefix of its padded row): 1 to positions.</param>
    /// <param name="positions">The padded length of every input.</param>
    /// <param name="pooling">Max (SPLADE v2, SPLADE++) or sum (SPLADE v1) over the real positions.</param>
    /// <param name="weights">[lengths.Length, vocabulary], written in full. NaN in a real position's logits stays NaN.</param>
    /// <exception cref="ArgumentException">The spans' sizes do not match, or a length is out of range.</exception>
    public static void Pool(ReadOnlySpan<float> logits, ReadOnlySpan<int> lengths, int positions, Pooling pooling, Span<float> weights)
    {
        int batch = lengths.Length;
        if (batch == 0 || positions <= 0 || logits.Length % ((long)batch * positions) != 0)
            throw new ArgumentException($"{logits.Length} logits do not split into {batch} inputs of {positions} positions", nameof(logits));
        int vocabulary = logits.Length / (batch * positions);
        if (weights.Length != batch * vocabulary)
            throw new ArgumentException($"the weights hold {weights.Length} values, not {batch} x {vocabulary}", nameof(weights));
        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > positions)
                throw new ArgumentException($"input {b} has {lengths[b]} real positions of {positions}", nameof(lengths));
            var output = weights.Slice(b * vocabulary, vocabulary);
            var rows = logits.Slice(b * positions * vocabulary, lengths[b] * vocabulary);
            if (pooling == Pooling.Max)
            {
                // log(1 + ReLU(x)) never decreases, so the max over positions is taken on the raw logits first.
                rows[..vocabulary].CopyTo(output);
                for (int i = 1; i < lengths[b]; i++)
                    TensorPrimitives.Max(output, rows.Slice(i * vocabulary, vocabulary), output);
                for (int j = 0; j < output.Length; j++)
                    output[j] = Activate(output[j]);
            }
            else
            {
                output.Clear();
                for (int i = 0; i < lengths[b]; i++)
                {
                    var row = rows.Slice(i * vocabulary, vocabulary);
                    for (int j = 0; j < row.Length; j++)
                    {
                        if (!(row[j] <= 0)) // positive or NaN
                            output[j] += Activate(row[j]);
                    }
                }
            }
        }
    }

    /// <summary>log(1 + ReLU(x)), NaN kept (the encoder reports it rather than dropping the term unseen).</summary>
    public static float Activate(float logit) => logit > 0 ? (float)Math.Log(1.0 + logit) : float.IsNaN(logit) ? logit : 0f;
}
