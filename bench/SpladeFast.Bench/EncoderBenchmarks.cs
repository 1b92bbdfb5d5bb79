using BenchmarkDotNet.Attributes;
using SpladeFast.Model.Encoding;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Encoders.Tokenization;

namespace SpladeFast.Bench;

/// <summary>
/// SPLADE encoding on CPU with random weights: query latency (one 32-token query, one thread) and document
/// throughput (a batch of 32 documents of 256 tokens; one operation = one document), for BERT-base and
/// BERT-tiny shapes.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class EncoderBenchmarks
{
    private const int Documents = 32;
    private static readonly string[] SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
    private SpladeEncoder _encoder = null!;
    private int[][] _query = [];
    private int[][] _documents = [];
    private string _vocabulary = "";

    public enum Shape
    {
        BertBase,
        BertTiny,
    }

    [Params(Shape.BertBase, Shape.BertTiny)]
    public Shape Model { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var config = Model == Shape.BertBase
            ? new ModelConfig(ModelKind.Bert, 30522, 768, 12, 12, 3072, 512, 2, 1e-12, "gelu")
            : new ModelConfig(ModelKind.Bert, 30522, 128, 2, 2, 512, 512, 2, 1e-12, "gelu");
        _vocabulary = Path.Combine(Path.GetTempPath(), $"splade-fast-bench-vocab-{Environment.ProcessId}.txt");
        File.WriteAllLines(_vocabulary, SpecialTokens.Concat(Enumerable.Range(5, 30522 - 5).Select(i => $"t{i}")));
        _encoder = new SpladeEncoder(TorchBackend.WithRandomWeights(config), SpladeTokenizer.FromVocabulary(_vocabulary));
        var random = new Random(1);
        int[] Text(int length) => Enumerable.Range(0, length).Select(i => i == 0 ? 2 : i == length - 1 ? 3 : random.Next(5, 30522)).ToArray();
        _query = [Text(32)];
        _documents = Enumerable.Range(0, Documents).Select(_ => Text(256)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        File.Delete(_vocabulary);
    }

    [Benchmark]
    public int QueryLatencyOneThread()
    {
        TorchSharp.torch.set_num_threads(1);
        return _encoder.EncodeIds(_query, new EncodeOptions { MaxLength = 32, BatchSize = 1 })[0].Terms.Length;
    }

    [Benchmark(OperationsPerInvoke = Documents)]
    public int DocumentThroughput()
    {
        TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
        return _encoder.EncodeIds(_documents, new EncodeOptions { MaxLength = 256, BatchSize = Documents }).Sum(v => v.Terms.Length);
    }
}
