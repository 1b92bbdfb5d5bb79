using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;
using SpladeFast.Ingest;

namespace SpladeFast.Model.Training;

/// <summary>
/// Trains SPLADE encoders as configured: fine-tuning (ranking loss + L1/FLOPS per side, shared or disjoint query
/// encoder) or middle training (masked LM + FLOPS). AdamW with linear warm-up and decay, gradient accumulation and
/// clipping; a checkpoint directory every checkpoint_every steps and at the end, resumable (weights, optimizer
/// state, step); batches depend only on (seed, step), so a resumed run continues exactly.
/// </summary>
public sealed class SpladeTrainer : IDisposable
{
    private const string StateFile = "trainer_state.json", OptimizerFile = "optimizer.bin";
    private static readonly JsonSerializerOptions LogLineOptions = new(TrainingConfig.JsonOptions) { WriteIndented = false };
    private readonly TrainingConfig _config;
    private readonly SpladeMaskedLm _documents;
    private readonly SpladeMaskedLm? _queries;
    private readonly TorchSharp.Modules.AdamW _optimizer;
    private readonly List<TorchSharp.Modules.Parameter> _parameters;
    private readonly BatchSampler<RankingExample>? _pairs;
    private readonly List<RankingExample> _evalExamples = [];
    private readonly BatchSampler<string>? _texts;
    private double _collapseScale = 1;

    /// <param name="config">The training run: model, data, optimizer and regularization settings.</param>
    /// <param name="resumeFrom">A checkpoint directory written by this trainer to continue from.</param>
    public SpladeTrainer(TrainingConfig config, string? resumeFrom = null)
    {
        _config = config;
        random.manual_seed(config.Seed);
        var device = Encoding.TorchBackend.ResolveDevice(config.Device);
        var documentSource = resumeFrom is null ? config.DocumentModel : config.DocumentModel with { Checkpoint = DocumentDirectory(resumeFrom) };
        _documents = SpladeMaskedLm.Create(documentSource, device);
        if (config.QueryModel is { } querySource)
            _queries = SpladeMaskedLm.Create(resumeFrom is null ? querySource : querySource with { Checkpoint = Path.Combine(resumeFrom, "query") }, device);
        if (config.MixedPrecision)
        {
            _documents.Module.to(ScalarType.BFloat16);
            _queries?.Module.to(ScalarType.BFloat16);
        }
        _parameters = [.. _documents.Parameters(), .. _queries?.Parameters() ?? []];
        _optimizer = optim.AdamW(_parameters, config.LearningRate, weight_decay: config.WeightDecay);
        if (config.Mode == TrainingMode.Middle)
        {
            _texts = new BatchSampler<string>(TrainingData.ReadCorpus(config.Data.Corpus!), config.Seed);
        }
        else
        {
            var examples = TrainingData.ReadExamples(config.Data);
            int held = config.EvalEvery > 0 ? Math.Min(config.EvalExamples, examples.Count / 5) : 0;
            _evalExamples = examples.Take(held).ToList();
            _pairs = new BatchSampler<RankingExample>(examples.Skip(held).ToList(), config.Seed);
            if (_pairs.Count == 0)
                throw new InvalidDataException("no training examples");
        }
        if (resumeFrom is not null)
        {
            string statePath = Path.Combine(resumeFrom, StateFile);
            var state = JsonInput.Deserialize<TrainerState>(statePath, Ingest.InputFiles.ReadAllText(statePath), TrainingConfig.JsonOptions, "a trainer state");
            StartStep = state.Step;
            _collapseScale = state.CollapseScale;
            string optimizerPath = Path.Combine(resumeFrom, OptimizerFile);
            try
            {
                _optimizer.load_state_dict(optimizerPath);
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or ExternalException && e is not FileNotFoundException)
            {
                // TorchSharp's reader names neither the file nor what is wrong with it.
                throw new InvalidDataException($"{optimizerPath}: not an optimizer state written by splade-fast train ({e.Message})", e);
            }
        }
    }

    /// <summary>The first step to run: 0, or the step a resumed checkpoint was written after.</summary>
    public long StartStep { get; }

    public SpladeMaskedLm DocumentModel => _documents;
    public SpladeMaskedLm QueryModel => _queries ?? _documents;

    /// <summary>Runs steps [StartStep, total_steps); <paramref name="onStep"/> sees every logged step.</summary>
    public void Train(Action<TrainingStep>? onStep = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(_config.OutputDir);
        using var log = new StreamWriter(Path.Combine(_config.OutputDir, "training_log.jsonl"), append: StartStep > 0);
        if (StartStep == 0)
            SaveModels(Path.Combine(_config.OutputDir, "initial")); // the untrained baseline, for comparisons
        var clock = Stopwatch.StartNew();
        long lastLogged = StartStep;
        for (long step = StartStep; step < _config.TotalSteps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            var result = Step(step);
            bool logNow = (step + 1) % _config.LogEvery == 0 || step + 1 == _config.TotalSteps;
            if (_config.EvalEvery > 0 && (step + 1) % _config.EvalEvery == 0 && _evalExamples.Count > 0)
                result = result with { EvalLoss = EvaluationLoss() };
            if (logNow || result.EvalLoss is not null || result.Note is not null)
            {
                result = result with { StepsPerSecond = (step + 1 - lastLogged) / Math.Max(1e-9, clock.Elapsed.TotalSeconds) };
                clock.Restart();
                lastLogged = step + 1;
                log.WriteLine(JsonSerializer.Serialize(result, LogLineOptions));
                log.Flush();
                onStep?.Invoke(result);
            }
            if (_config.CheckpointEvery > 0 && (step + 1) % _config.CheckpointEvery == 0 && step + 1 < _config.TotalSteps)
                SaveCheckpoint(Path.Combine(_config.OutputDir, $"checkpoint-{step + 1}"), step + 1);
        }
        SaveCheckpoint(Path.Combine(_config.OutputDir, "final"), _config.TotalSteps);
    }

    /// <summary>One optimizer step (all its micro-batches); public for tests that compare runs step by step.</summary>
    public TrainingStep Step(long step)
    {
        double lambdaQuery = Regularizers.Lambda(_config.QueryRegularizer, step) * _collapseScale;
        double lambdaDocument = Regularizers.Lambda(_config.DocumentRegularizer, step) * _collapseScale;
        double learningRate = LearningRate(step);
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = learningRate;
        _optimizer.zero_grad();
        var totals = new double[7];
        for (int micro = 0; micro < _config.GradientAccumulation; micro++)
        {
            using var scope = NewDisposeScope();
            var parts = _config.Mode == TrainingMode.Middle ? MiddleLoss(step, micro, lambdaDocument) : RankingLoss(step, micro, lambdaQuery, lambdaDocument);
            (parts.Total / _config.GradientAccumulation).backward();
            double[] values = [parts.Total.item<float>(), parts.Main.item<float>(), parts.QueryRegularization.item<float>(), parts.DocumentRegularization.item<float>(),
                parts.QueryNonZeros, parts.DocumentNonZeros, parts.ExpectedFlops];
            for (int i = 0; i < values.Length; i++)
                totals[i] += values[i] / _config.GradientAccumulation;
        }
        nn.utils.clip_grad_norm_(_parameters, _config.MaxGradNorm);
        _optimizer.step();
        string? note = null;
        if (totals[5] < _config.MinDocumentTerms && (_config.Mode == TrainingMode.Middle ? lambdaDocument : lambdaDocument + lambdaQuery) > 0)
            note = GuardCollapse(step, totals[5]);
        return new TrainingStep
        {
            Step = step + 1, Loss = totals[0], MainLoss = totals[1], QueryRegularization = totals[2], DocumentRegularization = totals[3],
            LambdaQuery = lambdaQuery, LambdaDocument = lambdaDocument, LearningRate = learningRate,
            QueryNonZeros = totals[4], DocumentNonZeros = totals[5], ExpectedFlops = totals[6], Note = note,
        };
    }

    /// <summary>Linear warm-up to the configured rate, then linear decay to 0 at total_steps.</summary>
    public double LearningRate(long step) =>
        step < _config.WarmupSteps ? _config.LearningRate * (step + 1) / _config.WarmupSteps
        : _config.LearningRate * Math.Max(0, (double)(_config.TotalSteps - step) / Math.Max(1, _config.TotalSteps - _config.WarmupSteps));

    public void SaveCheckpoint(string directory, long step)
    {
        SaveModels(directory);
        _optimizer.save_state_dict(Path.Combine(directory, OptimizerFile));
        File.WriteAllText(Path.Combine(directory, StateFile), JsonSerializer.Serialize(new TrainerState(step, _collapseScale, _config.Name), TrainingConfig.JsonOptions));
        File.WriteAllText(Path.Combine(directory, "training_config.json"), _config.ToJson());
    }

    private void SaveModels(string directory)
    {
        _documents.Save(DocumentDirectory(directory));
        _queries?.Save(Path.Combine(directory, "query"));
    }

    /// <summary>Shared encoders save at the checkpoint's root; disjoint ones in document/ and query/.</summary>
    private string DocumentDirectory(string checkpoint) => _config.QueryModel is null ? checkpoint : Path.Combine(checkpoint, "document");

    private LossParts RankingLoss(long step, int micro, double lambdaQuery, double lambdaDocument)
    {
        var batch = _pairs!.Batch(step, micro, _config.GradientAccumulation, _config.BatchSize).Select(b => b.Item.Pair(b.Epoch)).ToList();
        return RankingLossOf(batch, lambdaQuery, lambdaDocument);
    }

    private LossParts RankingLossOf(List<RankingPair> batch, double lambdaQuery, double lambdaDocument)
    {
        var queries = QueryModel.Represent(batch.Select(p => p.Query).ToList(), _config.MaxLengthQuery);
        bool hasNegatives = batch.All(p => p.Negative is not null);
        var documents = _documents.Represent(batch.Select(p => p.Positive).Concat(hasNegatives ? batch.Select(p => p.Negative!) : []).ToList(), _config.MaxLengthDocument);
        var positives = documents[..batch.Count];
        var negatives = hasNegatives ? documents[batch.Count..] : null;
        Tensor main;
        if (_config.Loss == RankingLossKind.InBatchNll)
        {
            main = RankingLosses.InBatchNll(queries, positives, negatives);
        }
        else
        {
            if (negatives is null)
                throw new InvalidDataException($"loss {_config.Loss} needs a negative for every query");
            var teacherPositive = tensor(batch.Select(p => p.TeacherPositive).ToArray(), device: queries.device);
            var teacherNegative = tensor(batch.Select(p => p.TeacherNegative).ToArray(), device: queries.device);
            main = _config.Loss == RankingLossKind.MarginMse
                ? RankingLosses.MarginMse(queries, positives, negatives, teacherPositive, teacherNegative)
                : RankingLosses.DistilKl(queries, positives, negatives, teacherPositive, teacherNegative);
        }
        var queryRegularization = Regularizers.Apply(_config.QueryRegularizer.Type, queries);
        var documentRegularization = Regularizers.Apply(_config.DocumentRegularizer.Type, documents);
        var total = main + lambdaQuery * queryRegularization + lambdaDocument * documentRegularization;
        using var noGrad = no_grad();
        var queryActive = (queries > 0).to_type(ScalarType.Float32);
        var documentActive = (documents > 0).to_type(ScalarType.Float32);
        double flops = (queryActive.mean([0]) * documentActive.mean([0])).sum().item<float>();
        return new LossParts(total, main, queryRegularization, documentRegularization,
            queryActive.sum([1]).mean().item<float>(), documentActive.sum([1]).mean().item<float>(), flops);
    }

    /// <summary>Masked-LM loss on the masked text plus FLOPS on the SPLADE representation of the same forward pass.</summary>
    private LossParts MiddleLoss(long step, int micro, double lambdaDocument)
    {
        var texts = _texts!.Batch(step, micro, _config.GradientAccumulation, _config.BatchSize).Select(b => b.Item).ToList();
        int length = Math.Min(_config.MaxLengthDocument, _documents.Config.MaxPositions);
        var inputs = texts.Select(t => _documents.Tokenizer.Encode(t, length)).ToList();
        var (ids, mask) = Encoding.TorchPooling.Pad(inputs, _documents.Tokenizer.PadId, _documents.Device);
        var (masked, labels) = MaskedLanguageModel.Mask(ids, mask, _documents.Tokenizer, _config.MlmProbability, MaskingSeed(step, micro));
        var logits = _documents.Module.call(masked, mask);
        // Only the masked positions are predicted: softmax over those rows, not over every position's vocabulary.
        var predicted = (labels.reshape(-1) != MaskedLanguageModel.Ignore).nonzero().squeeze(1);
        var mlm = predicted.shape[0] == 0 ? (logits.sum() * 0) // nothing masked in this batch: no MLM signal
            : nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]).index_select(0, predicted), labels.reshape(-1).index_select(0, predicted));
        var representations = Encoding.TorchPooling.Pool(logits, mask, Pooling.Max);
        var flops = Regularizers.Apply(_config.DocumentRegularizer.Type, representations);
        var total = mlm + lambdaDocument * flops;
        using var noGrad = no_grad();
        var active = (representations > 0).to_type(ScalarType.Float32);
        var none = zeros([], device: mlm.device);
        return new LossParts(total, mlm, none, flops, 0, active.sum([1]).mean().item<float>(),
            active.mean([0]).pow(2).sum().item<float>());
    }

    private int MaskingSeed(long step, int micro) => unchecked(_config.Seed * 7919 + (int)step * 31 + micro);

    /// <summary>Ranking loss on the held-out examples (first positive and negative), no gradients.</summary>
    private double EvaluationLoss()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double total = 0;
        int batches = 0;
        foreach (var chunk in _evalExamples.Chunk(_config.BatchSize))
        {
            if (chunk.Length < 2)
                continue;
            total += RankingLossOf(chunk.Select(e => e.Pair(0)).ToList(), 0, 0).Main.item<float>();
            batches++;
        }
        return batches == 0 ? double.NaN : total / batches;
    }

    /// <summary>
    /// Document vectors are dying (fewer non-zero terms than min_document_terms): the regularizer is winning. Halve
    /// both lambdas while gradients still flow (the scale is saved with checkpoints) and say so; once every vector
    /// is empty no gradient passes the ReLU, so training stops with an error instead of saving a dead model.
    /// </summary>
    private string GuardCollapse(long step, double documentTerms)
    {
        if (documentTerms == 0)
            throw new InvalidOperationException($"step {step + 1}: every document vector collapsed to zero (lambdas were x{_collapseScale} of the configured ones); lower the regularizer lambdas or raise their warmup_steps");
        _collapseScale /= 2;
        return FormattableString.Invariant($"collapse guard: {documentTerms:F2} terms per document; regularizer lambdas now x{_collapseScale}");
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _queries?.Dispose();
        _documents.Dispose();
    }

    private sealed record LossParts(Tensor Total, Tensor Main, Tensor QueryRegularization, Tensor DocumentRegularization,
        double QueryNonZeros, double DocumentNonZeros, double ExpectedFlops);

    private sealed record TrainerState(long Step, double CollapseScale, string Name);
}
