using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Modules;

/// <summary>Scaled dot-product attention over projected heads, masked with the dtype's minimum as Hugging Face does.</summary>
internal static class Attention
{
    /// <param name="mask">Float mask [batch, 1, 1, length]: 0 where attended, the dtype's minimum where padded.</param>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value, Tensor mask, int heads)
    {
        long batch = query.shape[0], length = query.shape[1], hidden = query.shape[2], size = hidden / heads;
        using var scope = NewDisposeScope();
        Tensor Split(Tensor x) => x.view(batch, length, heads, size).transpose(1, 2);
        var scores = Split(query).matmul(Split(key).transpose(-1, -2)) / Math.Sqrt(size) + mask;
        var context = scores.softmax(-1).matmul(Split(value));
        return context.transpose(1, 2).reshape(batch, length, hidden).MoveToOuterDisposeScope();
    }

    /// <summary>[batch, length] 1/0 attention mask to the additive [batch, 1, 1, length] form.</summary>
    public static Tensor Additive(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        float minimum = dtype == ScalarType.Float16 ? (float)Half.MinValue : dtype == ScalarType.BFloat16 ? -3.3895314e38f : float.MinValue;
        var additive = (1 - attentionMask.to_type(dtype)).unsqueeze(1).unsqueeze(2) * minimum;
        return additive.MoveToOuterDisposeScope();
    }

    public static Tensor Activate(Tensor x, string activation) =>
        activation == "relu" ? nn.functional.relu(x) : nn.functional.gelu(x);
}
