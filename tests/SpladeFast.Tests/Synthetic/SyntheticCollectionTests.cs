using System.Text.Json;
using SpladeFast.Synthetic;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Synthetic;

public class SyntheticCollectionTests
{
    [Fact]
    public void Same_seed_same_files_other_seed_other_files()
    {
        using var dir = new TempDirectory();
        new SyntheticCollection(new SynthOptions { Documents = 500, Queries = 20, Seed = 9 }).Write(dir.File("a"));
        new SyntheticCollection(new SynthOptions { Documents = 500, Queries = 20, Seed = 9 }).Write(dir.File("b"));
        new SyntheticCollection(new SynthOptions { Documents = 500, Queries = 20, Seed = 10 }).Write(dir.File("c"));
        foreach (var file in new[] { "docs.jsonl", "queries.tsv", "qrels.txt", "vocab.txt" })
            Assert.Equal(File.ReadAllBytes(dir.File($"a/{file}")), File.ReadAllBytes(dir.File($"b/{file}")));
        Assert.NotEqual(File.ReadAllBytes(dir.File("a/docs.jsonl")), File.ReadAllBytes(dir.File("c/docs.jsonl")));
    }

    /// <summary>Interrupted (here by a progress report that throws), synth leaves no partial file and no temporary one.</summary>
    [Fact]
    public void An_interrupted_run_leaves_no_partial_file()
    {
        using var dir = new TempDirectory();
        var interrupt = new Progress(value =>
        {
            if (value.Done >= 8192)
                throw new OperationCanceledException("interrupted");
        });
        Assert.Throws<OperationCanceledException>(() =>
            new SyntheticCollection(new SynthOptions { Documents = 20_000, Queries = 5, Seed = 2, Progress = interrupt }).Write(dir.Path));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    private sealed class Progress(Action<SpladeFast.BuildProgress> report) : IProgress<SpladeFast.BuildProgress>
    {
        public void Report(SpladeFast.BuildProgress value) => report(value);
    }

    [Fact]
    public void Matches_published_splade_statistics()
    {
        using var dir = new TempDirectory();
        var report = new SyntheticCollection(new SynthOptions { Documents = 4000, Queries = 200, Seed = 1 }).Write(dir.Path);
        double termsPerDocument = report.Postings / 4000.0;
        double termsPerQuery = File.ReadLines(report.Queries).Average(line => line.Split('\t')[1].Split(' ').Distinct().Count());
        Assert.InRange(termsPerDocument, 120, 140);
        Assert.InRange(termsPerQuery, 42, 52);
        Assert.Equal(30522, File.ReadAllLines(report.Vocabulary).Length);
        Assert.Equal(200, File.ReadAllLines(report.Qrels).Length);

        // A few terms dominate a document: the top 10% of its weights carry a large share of its mass.
        using var first = JsonDocument.Parse(File.ReadLines(report.Documents).First());
        var weights = first.RootElement.GetProperty("vector").EnumerateObject().Select(p => p.Value.GetDouble()).OrderDescending().ToArray();
        Assert.True(weights.Take(weights.Length / 10).Sum() > 0.25 * weights.Sum());
    }
}
