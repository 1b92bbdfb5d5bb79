using SpladeFast.Encoders.Splade;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Encoding;

/// <summary>
/// <see cref="SpladePooling"/> on tensors, for the TorchSharp backend and training (gradients flow through it):
/// w_j = pool_i log(1 + ReLU(logit_ij)), masked positions excluded. Tested equal to <see cref="SpladePooling"/>.
/// </summary>
public static class TorchPooling
{
    /// <param name="logits">[batch, positions, vocabulary].</param>
    /// <param name="attentionMask">[batch, positions], 1 for real tokens.</param>
    /// <param name="pooling">Max (SPLADE v2, SPLADE++) or sum (SPLADE v1) over the real positions.</param>
    /// <returns>[batch, vocabulary].</returns>
    public static Tensor Pool(Tensor logits, Tensor attentionMask, Pooling pooling)
    {
        using var scope = NewDisposeScope();
        if (pooling == Pooling.Max)
        {
            // log(1 + ReLU(x)) never decreases, so the max commutes with it: take the max of the raw logits over
            // real positions first, and transform [batch, vocabulary] values instead of [batch, positions, vocabulary].
            using var zero = 0.ToScalar();
            // Held in a variable: an implicit Scalar can be finalized by another thread's collection during the native call reading it.
            using var negativeInfinity = double.NegativeInfinity.ToScalar();
            var padding = attentionMask.unsqueeze(-1).eq(zero);
            return log1p(nn.functional.relu(logits.masked_fill(padding, negativeInfinity).max(1).values)).MoveToOuterDisposeScope();
        }
        var activations = log1p(nn.functional.relu(logits)) * attentionMask.unsqueeze(-1).to_type(logits.dtype);
        return activations.sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>Token id rows padded to the longest: ids and attention mask, [batch, positions], on <paramref name="device"/>.</summary>
    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> inputs, int padId, Device device)
    {
        int length = inputs.Max(i => i.Length);
        var ids = new long[inputs.Count * length];
        var mask = new long[inputs.Count * length];
        for (int b = 0; b < inputs.Count; b++)
        {
            for (int i = 0; i < length; i++)
            {
                bool real = i < inputs[b].Length;
                ids[b * length + i] = real ? inputs[b][i] : padId;
                mask[b * length + i] = real ? 1 : 0;
            }
        }
        return (tensor(ids, [inputs.Count, length]).to(device), tensor(mask, [inputs.Count, length]).to(device));
    }
}
