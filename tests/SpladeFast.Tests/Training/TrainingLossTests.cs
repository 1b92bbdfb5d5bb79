using SpladeFast.Model.Training;
using static TorchSharp.torch;

namespace SpladeFast.Tests.Training;

[Collection("Torch")]
public class TrainingLossTests
{
    private static readonly float[,] Reps = { { 0.5f, 0f, 2f }, { 1f, 3f, 0f } };

    [Fact]
    public void Flops_and_l1_match_their_formulas_and_finite_difference_gradients()
    {
        // FLOPS = sum_j (mean_i w_ij)^2 = 0.75^2 + 1.5^2 + 1^2; L1 = mean_i sum_j |w_ij| = (2.5 + 4) / 2.
        Assert.Equal(0.5625 + 2.25 + 1, Regularizers.Flops(tensor(Reps)).item<float>(), 5);
        Assert.Equal(3.25, Regularizers.L1(tensor(Reps)).item<float>(), 5);
        foreach (var regularizer in new Func<Tensor, Tensor>[] { Regularizers.Flops, Regularizers.L1 })
        {
            var w = tensor(Reps, dtype: ScalarType.Float64).requires_grad_(true);
            regularizer(w).backward();
            var analytic = w.grad!.data<double>().ToArray();
            var values = tensor(Reps, dtype: ScalarType.Float64).data<double>().ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] == 0)
                    continue; // |w| has no derivative at 0
                double Value(double delta)
                {
                    var shifted = (double[])values.Clone();
                    shifted[i] += delta;
                    return regularizer(tensor(shifted, [2, 3])).item<double>();
                }
                double numeric = (Value(1e-6) - Value(-1e-6)) / 2e-6;
                Assert.Equal(numeric, analytic[i], 5);
            }
        }
    }

    [Theory]
    [InlineData(0, 100, 0.0)]
    [InlineData(50, 100, 0.25)]
    [InlineData(100, 100, 1.0)]
    [InlineData(400, 100, 1.0)]
    [InlineData(7, 0, 1.0)]
    public void Lambda_grows_quadratically_over_its_warmup(long step, int warmup, double fraction) =>
        Assert.Equal(0.3 * fraction, Regularizers.Lambda(new RegularizerConfig { Lambda = 0.3, WarmupSteps = warmup }, step), 12);

    [Fact]
    public void Ranking_losses_match_hand_computed_values()
    {
        var q = tensor(new float[,] { { 1, 0 }, { 0, 2 } });
        var pos = tensor(new float[,] { { 2, 0 }, { 0, 1 } });
        var neg = tensor(new float[,] { { 1, 1 }, { 1, 0 } });
        // Scores: q0 vs positives (2, 0) and its negative 1; q1 vs positives (0, 2) and its negative 0.
        double l0 = -Math.Log(Math.Exp(2) / (Math.Exp(2) + Math.Exp(0) + Math.Exp(1)));
        double l1 = -Math.Log(Math.Exp(2) / (Math.Exp(0) + Math.Exp(2) + Math.Exp(0)));
        Assert.Equal((l0 + l1) / 2, RankingLosses.InBatchNll(q, pos, neg).item<float>(), 5);
        double n0 = -Math.Log(Math.Exp(2) / (Math.Exp(2) + 1)), n1 = -Math.Log(Math.Exp(2) / (1 + Math.Exp(2)));
        Assert.Equal((n0 + n1) / 2, RankingLosses.InBatchNll(q, pos, null).item<float>(), 5);

        var teacherPos = tensor(new float[] { 3, 1 });
        var teacherNeg = tensor(new float[] { 1, 2 });
        // Student margins: 2 - 1 = 1 and 2 - 0 = 2; teacher margins 2 and -1.
        Assert.Equal((1.0 + 9.0) / 2, RankingLosses.MarginMse(q, pos, neg, teacherPos, teacherNeg).item<float>(), 5);
        double Kl(double sp, double sn, double tp, double tn)
        {
            double pt = Math.Exp(tp) / (Math.Exp(tp) + Math.Exp(tn)), ps = Math.Exp(sp) / (Math.Exp(sp) + Math.Exp(sn));
            return pt * Math.Log(pt / ps) + (1 - pt) * Math.Log((1 - pt) / (1 - ps));
        }
        Assert.Equal((Kl(2, 1, 3, 1) + Kl(2, 0, 1, 2)) / 2, RankingLosses.DistilKl(q, pos, neg, teacherPos, teacherNeg).item<float>(), 5);
    }
}
