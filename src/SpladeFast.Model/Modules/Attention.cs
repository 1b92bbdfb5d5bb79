using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpladeFast.Model.Modules;

/// <summary>
/// Scaled dot-product attention over projected heads through libtorch's fused kernel
/// (<c>scaled_dot_product_attention</c>: one call instead of matmul, scale, mask, softmax and matmul), masked with
/// the dtype's minimum as Hugging Face does.
/// </summary>
internal static class Attention
{
    /// <param name="query">[batch, length, hidden], projected.</param>
    /// <param name="key">[batch, length, hidden], projected.</param>
    /// <param name="value">[batch, length, hidden], projected.</param>
    /// <param name="heads">Attention heads; hidden is split into heads of hidden / heads.</param>
    /// <param name="mask">Float mask [batch, 1, 1, length]: 0 where attended, the dtype's minimum where padded.</param>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value, Tensor mask, int heads)
    {
        long batch = query.shape[0], length = query.shape[1], hidden = query.shape[2], size = hidden / heads;
        using var scope = NewDisposeScope();
        Tensor Split(Tensor x) => x.view(batch, length, heads, size).transpose(1, 2);
        var context = nn.functional.scaled_dot_product_attention(Split(query), Split(key), Split(value), mask);
        return context.transpose(1, 2).reshape(batch, length, hidden).MoveToOuterDisposeScope();
    }

    /// <summary>[batch, length] 1/0 attention mask to the additive [batch, 1, 1, length] form.</summary>
    public static Tensor Additive(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        float minimum = dtype == ScalarType.Float16 ? (float)Half.MinValue : dtype == ScalarType.BFloat16 ? -3.3895314e38f : float.MinValue;
        using var one = 1.ToScalar();
        using var padded = minimum.ToScalar();
        var additive = attentionMask.to_type(dtype).neg().add_(one).unsqueeze(1).unsqueeze(2).mul(padded);
        return additive.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One post-LayerNorm encoder layer (BERT and DistilBERT alike): self-attention, residual and norm, then the
    /// feed-forward block, residual and norm.
    /// </summary>
    public static Tensor EncoderLayer(Tensor x, Tensor mask, int heads, string activation,
        Linear query, Linear key, Linear value, Linear output, LayerNorm attentionNorm, Linear inner, Linear outer, LayerNorm outputNorm)
    {
        using var scope = NewDisposeScope();
        var context = Compute(query.call(x), key.call(x), value.call(x), mask, heads);
        var attended = attentionNorm.call(output.call(context) + x);
        var hidden = Activate(inner.call(attended), activation);
        return outputNorm.call(outer.call(hidden) + attended).MoveToOuterDisposeScope();
    }

    public static Tensor Activate(Tensor x, string activation) =>
        activation == "relu" ? nn.functional.relu(x) : nn.functional.gelu(x);
}
