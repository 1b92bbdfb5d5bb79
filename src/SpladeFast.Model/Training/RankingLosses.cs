using static TorchSharp.torch;

namespace SpladeFast.Model.Training;

/// <summary>Ranking losses over SPLADE representations; scores are dot products.</summary>
public static class RankingLosses
{
    /// <summary>
    /// InBatchPairwiseNLL: query i against every positive of the batch and its own hard negative (when given);
    /// negative log-likelihood of its own positive.
    /// </summary>
    public static Tensor InBatchNll(Tensor queries, Tensor positives, Tensor? negatives)
    {
        using var scope = NewDisposeScope();
        var scores = queries.matmul(positives.t());
        if (negatives is not null)
            scores = cat([scores, (queries * negatives).sum(1, keepdim: true)], 1);
        var target = arange(queries.shape[0], device: queries.device);
        return nn.functional.cross_entropy(scores, target).MoveToOuterDisposeScope();
    }

    /// <summary>MarginMSE: mean of ((s+ - s-) - (t+ - t-))^2.</summary>
    public static Tensor MarginMse(Tensor queries, Tensor positives, Tensor negatives, Tensor teacherPositive, Tensor teacherNegative)
    {
        using var scope = NewDisposeScope();
        var margin = (queries * positives).sum(1) - (queries * negatives).sum(1);
        return (margin - (teacherPositive - teacherNegative)).pow(2).mean().MoveToOuterDisposeScope();
    }

    /// <summary>DistilKL: mean over queries of KL(softmax(teacher) || softmax(student)) over (d+, d-).</summary>
    public static Tensor DistilKl(Tensor queries, Tensor positives, Tensor negatives, Tensor teacherPositive, Tensor teacherNegative)
    {
        using var scope = NewDisposeScope();
        var student = stack([(queries * positives).sum(1), (queries * negatives).sum(1)], 1).log_softmax(1);
        var teacher = stack([teacherPositive, teacherNegative], 1).log_softmax(1);
        return (teacher.exp() * (teacher - student)).sum(1).mean().MoveToOuterDisposeScope();
    }
}
