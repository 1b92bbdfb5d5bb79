using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Model.Training;
using SpladeFast.Tests.Support;
using static TorchSharp.torch;

namespace SpladeFast.Tests.Training;

[Collection("Torch")]
public class TrainerTests
{
    private static readonly string[] Words =
        ["apple", "banana", "cherry", "river", "mountain", "ocean", "engine", "wheel", "brake", "violin", "piano", "drum", "tiger", "eagle", "shark", "planet", "comet", "orbit"];

    /// <summary>A tiny model (2 layers, hidden 64) over a 40-token vocabulary, trained on word triples.</summary>
    private static TrainingConfig Config(TempDirectory dir, Func<TrainingConfig, TrainingConfig>? adjust = null)
    {
        string vocab = dir.File("vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Words, "fruit", "water", "car", "music", "animal", "space"]);
        string[] topics = ["fruit", "water", "car", "music", "animal", "space"];
        var triples = Enumerable.Range(0, 6).Select(t => $"{topics[t]}\t{Words[3 * t]} {Words[3 * t + 1]} {Words[3 * t + 2]}\t{Words[(3 * t + 3) % 18]} {Words[(3 * t + 7) % 18]}");
        File.WriteAllLines(dir.File("triples.tsv"), triples.Take(4));
        File.WriteAllLines(dir.File("corpus.tsv"), Enumerable.Range(0, 12).Select(i => $"{i}\t{string.Join(' ', Enumerable.Range(0, 6).Select(j => Words[(i + j * 5) % 18]))}"));
        var config = new TrainingConfig
        {
            OutputDir = dir.File("out"),
            DocumentModel = new ModelSource { Vocab = vocab, Initialization = ModelInitialization.Bert, Layers = 2, Hidden = 64, Heads = 2, Intermediate = 128, MaxPositions = 32 },
            MaxLengthQuery = 8,
            MaxLengthDocument = 16,
            BatchSize = 4,
            LearningRate = 3e-3,
            WeightDecay = 0,
            TotalSteps = 60,
            LogEvery = 1,
            QueryRegularizer = new RegularizerConfig { Type = RegularizerKind.L1, Lambda = 0 },
            DocumentRegularizer = new RegularizerConfig { Type = RegularizerKind.Flops, Lambda = 0 },
            Data = new DataConfig { Triples = dir.File("triples.tsv"), Corpus = dir.File("corpus.tsv") },
        };
        return adjust is null ? config : adjust(config);
    }

    private static List<TrainingStep> Run(TrainingConfig config, string? resumeFrom = null)
    {
        var steps = new List<TrainingStep>();
        using var trainer = new SpladeTrainer(config, resumeFrom);
        trainer.Train(steps.Add);
        return steps;
    }

    [Fact]
    public void A_tiny_model_overfits_a_fixed_batch()
    {
        using var dir = new TempDirectory();
        var steps = Run(Config(dir));
        double first = steps.Take(3).Average(s => s.Loss), last = steps.TakeLast(3).Average(s => s.Loss);
        Assert.True(last < first / 10, $"loss fell from {first:F4} to {last:F4} only");
    }

    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_same_next_step_loss_as_an_uninterrupted_run()
    {
        using var dir = new TempDirectory();
        var config = Config(dir, c => c with { TotalSteps = 6, CheckpointEvery = 3, WarmupSteps = 2, DocumentRegularizer = new RegularizerConfig { Lambda = 1e-3, WarmupSteps = 4 } });
        var uninterrupted = Run(config);
        var resumed = Run(config with { OutputDir = dir.File("resumed") }, resumeFrom: dir.File("out/checkpoint-3"));
        Assert.Equal(4, resumed[0].Step);
        for (int i = 0; i < 3; i++)
            Assert.Equal(uninterrupted[3 + i].Loss, resumed[i].Loss, 5);
    }

    [Fact]
    public void A_saved_checkpoint_loads_in_the_encoder_and_gives_the_same_vectors()
    {
        using var dir = new TempDirectory();
        var config = Config(dir, c => c with { TotalSteps = 3 });
        using var trainer = new SpladeTrainer(config);
        trainer.Train();
        string[] texts = ["apple river", "violin comet orbit", "unknownword tiger"];
        float[] trained;
        using (no_grad())
            trained = trainer.DocumentModel.Represent(texts, 16).data<float>().ToArray();
        using var encoder = Backends.Load(dir.File("out/final"), "torch");
        var vectors = encoder.Encode(texts, new EncodeOptions { MaxLength = 16 });
        int vocabulary = encoder.VocabularySize;
        for (int t = 0; t < texts.Length; t++)
        {
            var dense = new float[vocabulary];
            for (int i = 0; i < vectors[t].Terms.Length; i++)
                dense[vectors[t].Terms[i]] = vectors[t].Weights[i];
            // Equal up to float rounding: the encoder batches by length, so its matrix products group differently.
            Assert.Equal(trained.AsSpan(t * vocabulary, vocabulary).ToArray(), dense, (a, b) => Math.Abs(a - b) <= 1e-5f);
        }
    }

    [Fact]
    public void Middle_training_lowers_the_masked_lm_loss_and_flops_lowers_non_zeros()
    {
        using var dir = new TempDirectory();
        var middle = Config(dir, c => c with { Mode = TrainingMode.Middle, TotalSteps = 40, MlmProbability = 0.3, Data = c.Data with { Triples = null } });
        var plain = Run(middle);
        var regularized = Run(middle with { OutputDir = dir.File("flops"), DocumentRegularizer = new RegularizerConfig { Type = RegularizerKind.Flops, Lambda = 5 } });
        Assert.True(plain.TakeLast(5).Average(s => s.MainLoss) < plain.Take(5).Average(s => s.MainLoss));
        Assert.True(regularized.TakeLast(5).Average(s => s.DocumentNonZeros) < plain.TakeLast(5).Average(s => s.DocumentNonZeros));
        Assert.True(File.Exists(dir.File("out/final/model.safetensors")));
        Assert.Equal(plain.Count, File.ReadAllLines(dir.File("out/training_log.jsonl")).Length);
    }

    [Fact]
    public void Disjoint_query_encoders_save_beside_the_document_encoder()
    {
        using var dir = new TempDirectory();
        var config = Config(dir, c => c with { TotalSteps = 2, QueryModel = c.DocumentModel with { Layers = 1 } });
        Run(config);
        Assert.True(File.Exists(dir.File("out/final/document/model.safetensors")));
        Assert.Contains("\"num_hidden_layers\": 1", File.ReadAllText(dir.File("out/final/query/config.json")));
    }

    [Fact]
    public void Json_and_yaml_configs_read_alike_and_bad_ones_name_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.json"), """
            {"name": "v", "document_model": {"vocab": "vocab.txt"}, "total_steps": 10, "loss": "margin_mse",
             "document_regularizer": {"type": "flops", "lambda": 0.0003, "warmup_steps": 5},
             "data": {"collection": "c.tsv", "queries": "q.tsv", "examples": "e.jsonl"}}
            """);
        File.WriteAllText(dir.File("c.yaml"), """
            name: v
            document_model: {vocab: vocab.txt}
            total_steps: 10
            loss: margin_mse
            document_regularizer: {type: flops, lambda: 3.0e-4, warmup_steps: 5}
            data: {collection: c.tsv, queries: q.tsv, examples: e.jsonl}
            """);
        var json = TrainingConfig.Load(dir.File("c.json"));
        var yaml = TrainingConfig.Load(dir.File("c.yaml"));
        Assert.Equal(json, yaml with { DocumentModel = json.DocumentModel, DocumentRegularizer = json.DocumentRegularizer, Data = json.Data, QueryRegularizer = json.QueryRegularizer });
        Assert.Equal(json.DocumentRegularizer, yaml.DocumentRegularizer);
        Assert.Equal(json.Data, yaml.Data);
        Assert.Equal(dir.File("vocab.txt"), yaml.DocumentModel.Vocab);
        File.WriteAllText(dir.File("bad.json"), """{"document_model": {"vocab": "v"}, "data": {"triples": "t"}, "lerning_rate": 1}""");
        Assert.Contains("bad.json", Assert.Throws<SpladeFast.Ingest.InputException>(() => TrainingConfig.Load(dir.File("bad.json"))).Message);
    }

    [Fact]
    public void The_collapse_guard_halves_lambdas_when_documents_lose_their_terms()
    {
        using var dir = new TempDirectory();
        var config = Config(dir, c => c with { TotalSteps = 30, MinDocumentTerms = 1e9, DocumentRegularizer = new RegularizerConfig { Type = RegularizerKind.Flops, Lambda = 1e-4 } });
        var steps = Run(config);
        var guarded = steps.Where(s => s.Note is not null).ToList();
        Assert.Equal(steps.Count, guarded.Count); // every step is below an impossible floor
        Assert.All(guarded, s => Assert.StartsWith("collapse guard: ", s.Note));
        Assert.True(steps[^1].LambdaDocument < steps[^2].LambdaDocument || steps[^1].LambdaDocument == 0);
    }

    [Fact]
    public void Lexical_initialisation_starts_vectors_as_sparse_bags_of_their_own_tokens()
    {
        using var dir = new TempDirectory();
        string vocab = dir.File("vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(0, 3000).Select(i => $"w{i}")]);
        random.manual_seed(3);
        using var model = SpladeMaskedLm.Create(new ModelSource { Vocab = vocab, Hidden = 128, Layers = 2, Heads = 2, Intermediate = 256 }, CPU);
        string[] texts = ["w10 w20 w30 w40", "w500 w600 w700 w800 w900 w1000"];
        using var noGrad = no_grad();
        var vectors = model.Represent(texts, 16);
        var ids = model.Tokenizer.Vocabulary;
        for (int t = 0; t < texts.Length; t++)
        {
            var row = vectors[t].data<float>().ToArray();
            var own = texts[t].Split(' ').Select(w => ids[w]).ToArray();
            Assert.All(own, id => Assert.True(row[id] > 0, $"own token {id} has weight {row[id]}"));
            Assert.True(row.Count(w => w > 0) < row.Length / 5, $"{row.Count(w => w > 0)} non-zero terms");
            var others = row.Where((w, id) => w > 0 && !own.Contains(id)).ToArray();
            Assert.True(own.Average(id => row[id]) > 2 * others.Average(), $"own {string.Join(",", own.Select(id => row[id]))} others mean {others.Average()} max {others.Max()}");
        }
    }
}
