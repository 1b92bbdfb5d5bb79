using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;

namespace SpladeFast.Cli;

/// <summary>The options that choose and shape a text encoder, shared by encode and query.</summary>
internal sealed class TextEncoderOptions
{
    public Option<int> MaxLength { get; }
    public Option<int> Batch { get; } = new("--batch") { Description = "Texts per model batch (length-sorted); with query --algorithm gpu_exhaustive, queries per GPU batch.", DefaultValueFactory = _ => 32 };
    public Option<string> Pooling { get; } = new Option<string>("--pooling") { Description = "SPLADE pooling over positions: max (v2/++) or sum (v1).", DefaultValueFactory = _ => "max" }.AcceptOnlyFromAmong("max", "sum");
    public Option<int> MaxTerms { get; } = new("--max-terms") { Description = "Keep only each vector's N heaviest terms (0: all)." };
    public Option<float> MinWeight { get; } = new("--min-weight") { Description = "Drop weights at or below this." };
    public Option<string> Device { get; } = new Option<string>("--device")
    {
        Description = "Where the model (and query --algorithm gpu_exhaustive) runs: cpu, cuda (an error without a GPU), or auto (cuda when there is one, else cpu, saying so).",
        DefaultValueFactory = _ => "cpu",
    }.AcceptOnlyFromAmong("cpu", "cuda", "auto");
    public Option<string> Precision { get; } = new Option<string>("--precision") { Description = "Model arithmetic: fp32, bf16, or fp16 (CUDA only).", DefaultValueFactory = _ => "fp32" }.AcceptOnlyFromAmong("fp32", "bf16", "fp16");
    public Option<string> Backend { get; } = new Option<string>("--backend")
    {
        Description = "SPLADE runtime: torch (TorchSharp: safetensors, CPU or CUDA), onnx (ONNX Runtime: model.onnx or onnx/model.onnx, CPU), or auto (onnx when the model directory has such a graph, else torch).",
        DefaultValueFactory = _ => EncoderBackends.Auto,
    }.AcceptOnlyFromAmong(EncoderBackends.Torch, EncoderBackends.Onnx, EncoderBackends.Auto);
    public Option<string> Quantize { get; } = new Option<string>("--quantize")
    {
        Description = "onnx only: int8 runs the directory's dynamically quantized graph (model_quantized.onnx or model_qint8_*.onnx), or else quantizes the graph's MatMul weights to int8 at load.",
        DefaultValueFactory = _ => "none",
    }.AcceptOnlyFromAmong("none", "int8");
    public Option<FileInfo?> Vocab { get; } = new("--vocab") { Description = "WordPiece vocab.txt for encoders without a model directory (bm25, idf, tokens)." };
    public Option<double> K1 { get; } = new("--k1") { Description = "BM25 k1.", DefaultValueFactory = _ => 0.9 };
    public Option<double> B { get; } = new("--b") { Description = "BM25 b.", DefaultValueFactory = _ => 0.4 };

    public TextEncoderOptions(int defaultMaxLength) =>
        MaxLength = new Option<int>("--max-length") { Description = "WordPiece ids per text, [CLS] and [SEP] included (longer texts are truncated).", DefaultValueFactory = _ => defaultMaxLength };

    public IEnumerable<Option> All =>
    [
        .. new Option[] { MaxLength, Batch, Pooling, MaxTerms, MinWeight, Backend, Quantize, Device, Precision, Vocab }.Select(o => o.InGroup("Model")),
        K1.InGroup("BM25"), B.InGroup("BM25"),
    ];

    public EncodeOptions Encode(ParseResult parse) => new()
    {
        MaxLength = parse.GetValue(MaxLength),
        BatchSize = Math.Max(1, parse.GetValue(Batch)),
        Pooling = parse.GetValue(Pooling) == "sum" ? Encoders.Splade.Pooling.Sum : Encoders.Splade.Pooling.Max,
        MaxTerms = parse.GetValue(MaxTerms),
        MinWeight = parse.GetValue(MinWeight),
    };

    /// <summary>An encoder from a spec (see <see cref="TextEncoderFactory"/>) with these options.</summary>
    /// <param name="spec">The encoder spec, e.g. a model directory, <c>bm25</c> or <c>onnx:DIR</c>.</param>
    /// <param name="parse">The parsed command line these options were added to.</param>
    /// <param name="threads">CPU threads for the model (0: the backend's default).</param>
    public ITextEncoder Create(string spec, ParseResult parse, int threads = 0)
    {
        string backend = parse.GetRequiredValue(Backend);
        string directory = spec.StartsWith("splade:", StringComparison.Ordinal) ? spec[7..] : spec;
        // ONNX Runtime runs on the CPU here: --device auto only looks for CUDA where TorchSharp would use it.
        bool onnx = Directory.Exists(directory) && EncoderBackends.Resolve(backend, directory) == EncoderBackends.Onnx;
        return TextEncoderFactory.Create(spec, new TextEncoderSettings
        {
            VocabularyPath = parse.GetValue(Vocab)?.FullName,
            Encode = Encode(parse),
            Backend = backend,
            Model = new BackendSettings
            {
                Device = parse.GetRequiredValue(Device) switch { "auto" => !onnx && TorchSharp.torch.cuda.is_available() ? "cuda" : "cpu", var device => device },
                Precision = parse.GetRequiredValue(Precision),
                Quantize = parse.GetRequiredValue(Quantize),
                Threads = threads,
            },
            K1 = parse.GetValue(K1),
            B = parse.GetValue(B),
        });
    }
}

/// <summary>How text queries become vectors: a SPLADE model directory or an inference-free encoder (query, serve).</summary>
internal sealed class QueryEncoderOptions
{
    public Option<string?> QueryModel { get; } = new("--query-model") { Description = "SPLADE checkpoint directory encoding text queries." };
    public Option<string?> QueryEncoder { get; } = new("--query-encoder") { Description = "Encoder for text queries instead of a model: idf:FILE (inference-free: token -> weight JSON) or tokens (token counts, for bm25 indexes); both need --vocab." };
    public Option<int> EncoderThreads { get; } = new Option<int>("--encoder-threads") { Description = "CPU threads the query model may use for one query (0: the backend's default).", DefaultValueFactory = _ => 0 }.AtLeast(0);
    public TextEncoderOptions Encoder { get; } = new(defaultMaxLength: 32);

    public IEnumerable<Option> All => Encoder.All.Append(EncoderThreads.InGroup("Model")).Append(QueryModel.InGroup("Text query")).Append(QueryEncoder.InGroup("Text query"));

    /// <summary>The encoder asked for, or null when neither --query-model nor --query-encoder was given.</summary>
    public ITextEncoder? Create(ParseResult parse) =>
        (parse.GetValue(QueryModel) ?? parse.GetValue(QueryEncoder)) is { } spec ? Encoder.Create(spec, parse, parse.GetValue(EncoderThreads)) : null;
}
