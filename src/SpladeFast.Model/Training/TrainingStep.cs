using System.Text.Json.Serialization;

namespace SpladeFast.Model.Training;

/// <summary>
/// What one optimizer step did: the loss and its parts, the schedule, and the sparsity it produced (non-zeros per
/// query and per document, and the expected FLOPS sum_j P(q_j > 0) P(d_j > 0) over the batch).
/// </summary>
public sealed record TrainingStep
{
    public long Step { get; init; }
    public double Loss { get; init; }
    /// <summary>The ranking loss (fine-tuning) or the masked-LM loss (middle training).</summary>
    public double MainLoss { get; init; }
    public double QueryRegularization { get; init; }
    public double DocumentRegularization { get; init; }
    public double LambdaQuery { get; init; }
    public double LambdaDocument { get; init; }
    public double LearningRate { get; init; }
    public double QueryNonZeros { get; init; }
    public double DocumentNonZeros { get; init; }
    public double ExpectedFlops { get; init; }
    public double StepsPerSecond { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EvalLoss { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }
}
