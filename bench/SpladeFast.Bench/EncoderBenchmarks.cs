using BenchmarkDotNet.Attributes;
using SpladeFast.Encoders.Splade;
using SpladeFast.Encoders.Tokenization;
using SpladeFast.Model.Checkpoints;
using SpladeFast.Model.Encoding;
using SpladeFast.Model.Modules;
using SpladeFast.Onnx;
using SpladeFast.Onnx.Export;

namespace SpladeFast.Bench;

/// <summary>
/// SPLADE encoding on the CPU, fp32, per backend: query latency on real MS MARCO dev queries (one query at a time,
/// one thread; one operation = one query) and document throughput (256 tokens, batches of 8, two threads; one
/// operation = one document). Weights are random in the BERT-tiny shape (../shared/fixtures/encoders/bert-tiny-shape,
/// safetensors and ONNX, the ONNX graph also int8-quantized at load) and the BERT-base shape (a random checkpoint
/// written once to the temporary folder, exported by <see cref="OnnxExporter"/> for onnx).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class EncoderBenchmarks
{
    private const int Queries = 64;
    private const int Documents = 8;
    private SpladeEncoder _oneThread = null!;
    private SpladeEncoder _twoThreads = null!;
    private List<int[]> _queries = [];
    private int[][] _documents = [];

    public enum Encoder
    {
        TorchBertTiny,
        OnnxBertTiny,
        OnnxBertTinyInt8,
        TorchBertBase,
        OnnxBertBase,
        OnnxBertBaseInt8,
    }

    [Params(Encoder.TorchBertTiny, Encoder.OnnxBertTiny, Encoder.OnnxBertTinyInt8, Encoder.TorchBertBase, Encoder.OnnxBertBase, Encoder.OnnxBertBaseInt8)]
    public Encoder Model { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string shape = SharedFiles.Require("fixtures/encoders/bert-tiny-shape");
        var tokenizer = SpladeTokenizer.FromDirectory(shape);
        string model = Model is Encoder.TorchBertBase or Encoder.OnnxBertBase or Encoder.OnnxBertBaseInt8 ? BertBaseCheckpoint(shape) : shape;
        string quantize = Model is Encoder.OnnxBertTinyInt8 or Encoder.OnnxBertBaseInt8 ? "int8" : "none";
        (_oneThread, _twoThreads) = Model is Encoder.TorchBertTiny or Encoder.TorchBertBase
            ? Twice(new SpladeEncoder(TorchBackend.Load(model, new BackendSettings()), tokenizer))
            : (new SpladeEncoder(OnnxBackend.Load(model, new BackendSettings { Threads = 1, Quantize = quantize }), tokenizer),
                new SpladeEncoder(OnnxBackend.Load(model, new BackendSettings { Threads = 2, Quantize = quantize }), tokenizer));
        // The first dev queries, as the query command encodes them (at most 32 ids).
        _queries = File.ReadLines(SharedFiles.Require("data/msmarco/topics.msmarco-passage.dev-subset.txt")).Take(Queries)
            .Select(line => tokenizer.Encode(line[(line.IndexOf('\t') + 1)..], 32)).ToList();
        var random = new Random(1);
        _documents = Enumerable.Range(0, Documents)
            .Select(_ => Enumerable.Range(0, 256).Select(i => i == 0 ? tokenizer.ClsId : i == 255 ? tokenizer.SepId : random.Next(1000, 30522)).ToArray()).ToArray();
    }

    /// <summary>
    /// A BERT-base-shaped masked LM (hidden 768, 12 layers, 12 heads) with TorchSharp's random initialization, saved
    /// as a checkpoint with onnx/model.onnx beside it (made once, then reused), so that both backends run the same weights.
    /// </summary>
    private static string BertBaseCheckpoint(string tiny)
    {
        string directory = Path.Combine(Path.GetTempPath(), "splade-fast-bench", "bert-base-random");
        if (File.Exists(Path.Combine(directory, "onnx", "model.onnx")))
            return directory;
        Directory.CreateDirectory(directory);
        var config = new ModelConfig(ModelKind.Bert, 30522, 768, 12, 12, 3072, 512, 2, 1e-12, "gelu");
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToHuggingFaceJson());
        File.Copy(Path.Combine(tiny, "vocab.txt"), Path.Combine(directory, "vocab.txt"), overwrite: true);
        // Loads libtorch through TorchSharp's own path first; a module's constructor alone would load it a second time.
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        using (var module = new BertMaskedLm(config))
            SafeTensors.Write(Path.Combine(directory, "model.safetensors"), module.named_parameters().ToDictionary(p => p.name, p => (TorchSharp.torch.Tensor)p.parameter));
        OnnxExporter.Export(directory, Path.Combine(directory, "onnx", "model.onnx"));
        return directory;
    }

    private static (SpladeEncoder, SpladeEncoder) Twice(SpladeEncoder encoder) => (encoder, encoder);

    [GlobalCleanup]
    public void Cleanup()
    {
        _oneThread.Dispose();
        if (!ReferenceEquals(_oneThread, _twoThreads))
            _twoThreads.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public int QueryLatencyOneThread()
    {
        TorchSharp.torch.set_num_threads(1);
        var options = new EncodeOptions { MaxLength = 32, BatchSize = 1 };
        int terms = 0;
        foreach (var query in _queries)
            terms += _oneThread.EncodeIds([query], options)[0].Terms.Length;
        return terms;
    }

    [Benchmark(OperationsPerInvoke = Documents)]
    public int DocumentThroughputTwoThreads()
    {
        TorchSharp.torch.set_num_threads(2);
        return _twoThreads.EncodeIds(_documents, new EncodeOptions { MaxLength = 256, BatchSize = Documents }).Sum(v => v.Terms.Length);
    }
}

/// <summary>../shared beside the checkout (or $SPLADEFAST_SHARED), as the tests find it.</summary>
internal static class SharedFiles
{
    public static string Require(string relative)
    {
        string? root = Environment.GetEnvironmentVariable("SPLADEFAST_SHARED") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); root is null && dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpladeFast.sln")))
                root = Path.Combine(dir.Parent?.FullName ?? "", "shared");
        }
        string path = Path.Combine(root ?? "shared", relative);
        return File.Exists(path) || Directory.Exists(path) ? path
            : throw new FileNotFoundException($"{path} not found: the encoder benchmarks need ../shared beside the checkout (or SPLADEFAST_SHARED)");
    }
}
