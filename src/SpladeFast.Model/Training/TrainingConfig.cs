using System.Text.Json;
using System.Text.Json.Serialization;
using SpladeFast.Ingest;

namespace SpladeFast.Model.Training;

public enum TrainingMode
{
    /// <summary>Ranking fine-tuning: a loss over query/document scores plus sparsity regularization.</summary>
    Finetune,
    /// <summary>Middle training: masked-LM loss plus FLOPS on the SPLADE representation, over raw text.</summary>
    Middle,
}

public enum RankingLossKind
{
    /// <summary>naver/splade InBatchPairwiseNLL: softmax over in-batch positives and the query's hard negative.</summary>
    InBatchNll,
    /// <summary>MarginMSE: (s(q,d+) - s(q,d-)) regressed on the teacher's margin.</summary>
    MarginMse,
    /// <summary>DistilKL: KL divergence of the student's (d+, d-) distribution from the teacher's.</summary>
    DistilKl,
}

public enum RegularizerKind
{
    None,
    /// <summary>sum_j (mean_i w_ij)^2 (Paria et al.): penalizes terms frequent across the batch.</summary>
    Flops,
    /// <summary>mean_i sum_j |w_ij|.</summary>
    L1,
}

/// <summary>One side's sparsity regularization: lambda_t = lambda x min(1, t / warmup_steps)^2.</summary>
public sealed record RegularizerConfig
{
    public RegularizerKind Type { get; init; } = RegularizerKind.Flops;
    public double Lambda { get; init; }
    public int WarmupSteps { get; init; }
}

/// <summary>How fresh weights start.</summary>
public enum ModelInitialization
{
    /// <summary>BERT's: normal(0, 0.02), LayerNorm 1, biases 0. Vectors start nearly the same for every input.</summary>
    Bert,
    /// <summary>BERT's, with the MLM head's transform set to the identity: vectors start as bags of their own tokens.</summary>
    Lexical,
}

/// <summary>A model to start from: a Hugging Face directory, or fresh weights of a given size over a vocab.txt.</summary>
public sealed record ModelSource
{
    public ModelInitialization Initialization { get; init; } = ModelInitialization.Lexical;
    public string? Checkpoint { get; init; }
    public string? Vocab { get; init; }
    public int Layers { get; init; } = 2;
    public int Hidden { get; init; } = 128;
    public int Heads { get; init; } = 2;
    public int Intermediate { get; init; } = 512;
    public int MaxPositions { get; init; } = 512;
}

/// <summary>
/// Where examples come from. Fine-tuning: <see cref="Triples"/> (query, positive, negative texts), or ids-based:
/// <see cref="Collection"/> and <see cref="Queries"/> (TSV id/text or BEIR JSONL) with <see cref="Examples"/>
/// (JSONL {"qid", "pos", "neg", "scores"}) or <see cref="Qrels"/> (positives) and <see cref="NegativesRun"/> (a TREC
/// run whose top non-relevant documents are the hard negatives). Middle training: <see cref="Corpus"/> texts.
/// </summary>
public sealed record DataConfig
{
    public string? Triples { get; init; }
    public string? Collection { get; init; }
    public string? Queries { get; init; }
    public string? Examples { get; init; }
    public string? Qrels { get; init; }
    public string? NegativesRun { get; init; }
    public int NegativesDepth { get; init; } = 50;
    public string? Corpus { get; init; }
}

/// <summary>
/// A training run, mirroring naver/splade's config names where they exist (JSON or YAML, snake_case keys).
/// Relative paths are relative to the config file.
/// </summary>
public sealed record TrainingConfig
{
    public string Name { get; init; } = "splade";
    public TrainingMode Mode { get; init; } = TrainingMode.Finetune;
    public string OutputDir { get; init; } = "output";
    public required ModelSource DocumentModel { get; init; }
    /// <summary>A separate query encoder (efficient-SPLADE's disjoint encoders); null shares the document model.</summary>
    public ModelSource? QueryModel { get; init; }
    public int MaxLengthQuery { get; init; } = 32;
    public int MaxLengthDocument { get; init; } = 256;
    public int BatchSize { get; init; } = 16;
    public int GradientAccumulation { get; init; } = 1;
    public double LearningRate { get; init; } = 2e-5;
    public double WeightDecay { get; init; } = 0.01;
    public int WarmupSteps { get; init; }
    public int TotalSteps { get; init; } = 1000;
    public double MaxGradNorm { get; init; } = 1.0;
    public int Seed { get; init; } = 42;
    public RankingLossKind Loss { get; init; } = RankingLossKind.InBatchNll;
    public RegularizerConfig QueryRegularizer { get; init; } = new() { Type = RegularizerKind.L1 };
    public RegularizerConfig DocumentRegularizer { get; init; } = new() { Type = RegularizerKind.Flops };
    public double MlmProbability { get; init; } = 0.15;
    /// <summary>Collapse guard: below this many non-zero terms per document (batch mean), the lambdas are halved.</summary>
    public double MinDocumentTerms { get; init; } = 2;
    public int LogEvery { get; init; } = 10;
    public int EvalEvery { get; init; }
    public int EvalExamples { get; init; } = 64;
    public int CheckpointEvery { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>
    /// CUDA only: run the encoders in bf16 (weights and activations; TorchSharp 0.107 has no autocast, so this is
    /// whole-model bf16 rather than per-op mixed precision, which bf16's fp32-sized exponent makes workable).
    /// </summary>
    public bool MixedPrecision { get; init; }
    public required DataConfig Data { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads a .json or .yaml/.yml config; relative paths become relative to its folder.</summary>
    /// <exception cref="InputException">The file is not JSON (YAML), or names a setting that does not exist or gives
    /// one a value of the wrong type: at its line where the JSON or YAML reader knows it.</exception>
    /// <exception cref="InvalidDataException">The settings do not fit together; the message names the file.</exception>
    public static TrainingConfig Load(string path)
    {
        string text = InputFiles.ReadAllText(path);
        const string what = "a training config";
        if (!(path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
            return JsonInput.Deserialize<TrainingConfig>(path, text, JsonOptions, what).ResolvePaths(Folder(path)).Validate(path);
        string json;
        try
        {
            json = YamlToJson(text);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InputException(path, e.Start.Line, $"not {what} (not YAML: {e.Message})");
        }
        TrainingConfig config;
        try
        {
            config = JsonSerializer.Deserialize<TrainingConfig>(json, JsonOptions) ?? throw new InputException(path, 0, $"not {what} (empty)");
        }
        catch (JsonException e)
        {
            // Lines of the JSON made from the YAML would mislead: the JSON path says where.
            throw new InputException(path, 0, $"not {what} ({JsonErrors.Reason(e)})");
        }
        return config.ResolvePaths(Folder(path)).Validate(path);
    }

    private static string Folder(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private TrainingConfig ResolvePaths(string root)
    {
        string? Resolve(string? p) => p is null ? null : Path.GetFullPath(p, root);
        ModelSource? Model(ModelSource? m) => m is null ? null : m with { Checkpoint = Resolve(m.Checkpoint), Vocab = Resolve(m.Vocab) };
        return this with
        {
            OutputDir = Resolve(OutputDir)!,
            DocumentModel = Model(DocumentModel)!,
            QueryModel = Model(QueryModel),
            Data = Data with
            {
                Triples = Resolve(Data.Triples), Collection = Resolve(Data.Collection), Queries = Resolve(Data.Queries), Examples = Resolve(Data.Examples),
                Qrels = Resolve(Data.Qrels), NegativesRun = Resolve(Data.NegativesRun), Corpus = Resolve(Data.Corpus),
            },
        };
    }

    private TrainingConfig Validate(string path)
    {
        void Require(bool condition, string message)
        {
            if (!condition)
                throw new InvalidDataException($"{path}: {message}");
        }
        Require(BatchSize >= 1 && GradientAccumulation >= 1 && TotalSteps >= 1, "batch_size, gradient_accumulation and total_steps must be at least 1");
        Require(LearningRate > 0 && WarmupSteps >= 0 && WarmupSteps <= TotalSteps, "learning_rate must be positive and warmup_steps within total_steps");
        Require(QueryRegularizer.Lambda >= 0 && DocumentRegularizer.Lambda >= 0, "regularizer lambdas must be >= 0");
        Require(DocumentModel.Checkpoint is not null || DocumentModel.Vocab is not null, "document_model needs a checkpoint or a vocab for fresh weights");
        Require(QueryModel is null || QueryModel.Checkpoint is not null || QueryModel.Vocab is not null, "query_model needs a checkpoint or a vocab");
        Require(MlmProbability is > 0 and < 1, "mlm_probability must be in (0, 1)");
        if (Mode == TrainingMode.Middle)
            Require(Data.Corpus is not null, "middle training needs data.corpus");
        else
            Require(Data.Triples is not null || (Data.Collection is not null && Data.Queries is not null && (Data.Examples is not null || Data.Qrels is not null)),
                "fine-tuning needs data.triples, or data.collection + data.queries + (data.examples or data.qrels)");
        Require(Loss == RankingLossKind.InBatchNll || Data.Examples is not null, $"loss {Loss} needs teacher scores: data.examples with \"scores\"");
        Require(!MixedPrecision || Device == "cuda", "mixed_precision needs device cuda");
        return this;
    }

    /// <summary>YAML to JSON with YAML's plain-scalar typing (numbers, true/false, null); quoted scalars stay strings.</summary>
    private static string YamlToJson(string yaml)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? "{}" : (Convert(stream.Documents[0].RootNode)?.ToJsonString() ?? "null");
    }

    private static System.Text.Json.Nodes.JsonNode? Convert(YamlDotNet.RepresentationModel.YamlNode node)
    {
        switch (node)
        {
            case YamlDotNet.RepresentationModel.YamlMappingNode mapping:
                var obj = new System.Text.Json.Nodes.JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[(key as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value
                        ?? throw new YamlDotNet.Core.YamlException(key.Start, key.End, "a key must be a plain name")] = Convert(value);
                }
                return obj;
            case YamlDotNet.RepresentationModel.YamlSequenceNode sequence:
                return new System.Text.Json.Nodes.JsonArray(sequence.Children.Select(Convert).ToArray());
            case YamlDotNet.RepresentationModel.YamlScalarNode scalar:
                string text = scalar.Value ?? "";
                if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
                    return System.Text.Json.Nodes.JsonValue.Create(text);
                if (text is "null" or "~" or "")
                    return null;
                if (text is "true" or "false")
                    return System.Text.Json.Nodes.JsonValue.Create(text == "true");
                if (long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long integer))
                    return System.Text.Json.Nodes.JsonValue.Create(integer);
                if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number))
                    return System.Text.Json.Nodes.JsonValue.Create(number);
                return System.Text.Json.Nodes.JsonValue.Create(text);
            default:
                throw new YamlDotNet.Core.YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}");
        }
    }
}
