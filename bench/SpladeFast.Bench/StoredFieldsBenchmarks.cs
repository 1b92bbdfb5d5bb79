using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using SpladeFast.Build;
using SpladeFast.Index;

namespace SpladeFast.Bench;

/// <summary>
/// Fetching the stored fields of a query's top 10 (index --store): 20,000 documents with a title and about 1 KB
/// of text each, LZ4 blocks of 16 documents; 10 random documents per operation.
/// </summary>
public class StoredFieldsBenchmarks
{
    private SparseIndex _index = null!;
    private uint[] _top10 = [];

    [GlobalSetup]
    public void Setup()
    {
        string directory = Path.Combine(Path.GetTempPath(), "splade-fast-bench", "stored-20000");
        string indexPath = Path.Combine(directory, "index.sfi");
        if (!File.Exists(indexPath))
        {
            Directory.CreateDirectory(directory);
            var random = new Random(42);
            string[] words = Enumerable.Range(0, 5000).Select(i => $"w{i * 7919 % 100000}").ToArray();
            var lines = new StringBuilder();
            for (int d = 0; d < 20_000; d++)
            {
                string text = string.Join(' ', Enumerable.Range(0, 150).Select(_ => words[(int)Math.Pow(random.Next(5000), 2) / 5000]));
                lines.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"d{d}\",\"title\":\"Title {d}\",\"text\":\"{text}\",\"vector\":{{\"{words[d % 5000]}\":1.0}}}}\n");
            }
            File.WriteAllText(Path.Combine(directory, "docs.jsonl"), lines.ToString());
            new IndexBuilder(new IndexBuildOptions { Inputs = [Path.Combine(directory, "docs.jsonl")], Store = true }).Build(indexPath);
        }
        _index = SparseIndex.Open(indexPath, IndexStorageKind.InMemory);
        _top10 = Enumerable.Range(0, 10).Select(_ => (uint)Random.Shared.Next(_index.DocumentCount)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    /// <summary>Decompresses each hit's block and copies out its source.</summary>
    [Benchmark]
    public int FetchTop10()
    {
        int bytes = 0;
        foreach (uint docId in _top10)
            bytes += _index.StoredFields!.Get(docId).Length;
        return bytes;
    }
}
