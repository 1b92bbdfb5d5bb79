using static TorchSharp.torch;

namespace SpladeFast.Model.Training;

/// <summary>Sparsity regularizers over a batch of SPLADE representations [batch, vocabulary] (non-negative).</summary>
public static class Regularizers
{
    /// <summary>FLOPS: sum_j (mean_i w_ij)^2, the expected cost of scoring under uniform term use.</summary>
    public static Tensor Flops(Tensor representations) => representations.abs().mean([0]).pow(2).sum();

    /// <summary>L1: mean_i sum_j |w_ij|.</summary>
    public static Tensor L1(Tensor representations) => representations.abs().sum([1]).mean();

    public static Tensor Apply(RegularizerKind kind, Tensor representations) => kind switch
    {
        RegularizerKind.Flops => Flops(representations),
        RegularizerKind.L1 => L1(representations),
        _ => zeros([], device: representations.device),
    };

    /// <summary>lambda_t = lambda x min(1, t / T)^2 (T = 0: lambda from the first step), as naver/splade schedules it.</summary>
    public static double Lambda(RegularizerConfig config, long step) =>
        config.WarmupSteps <= 0 ? config.Lambda : config.Lambda * Math.Pow(Math.Min(1.0, (double)step / config.WarmupSteps), 2);
}
