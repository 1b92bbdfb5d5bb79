using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Prune;
using SpladeFast.Reorder;
using SpladeFast.Tests.Support;
using SpladeFast.Transforms;

namespace SpladeFast.Tests.Transforms;

public class IndexPipelineTests
{
    public static TheoryData<string?, double, bool, int, int, bool, string?> Cases => new()
    {
        // pruning, value, reorder, quant bits, bmp range, store, shard
        { "term-top", 40, true, 0, 32, true, null },
        { "doc-top", 8, false, 0, 16, false, null },
        { null, 0, true, 0, 0, true, null },
        { "term-quantile", 0.5, false, 8, 32, false, null },
        { "max-df", 200, true, 0, 0, false, "1/2" },
        { "doc-mass", 0.6, true, 16, 64, true, "0/3" },
        { "min-impact", 30, false, 0, 8, true, null },
    };

    /// <summary>
    /// The pipeline transforms the build's contents in memory and writes once; the result is byte for byte the
    /// index the file-to-file steps give (build, then prune the file, then reorder that file).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void In_memory_transforms_write_the_same_bytes_as_the_file_to_file_steps(
        string? pruning, double value, bool reorder, int quantBits, int rangeSize, bool store, string? shard)
    {
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(1500, 1, 21);
        var options = new IndexBuildOptions
        {
            Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary, QuantBits = quantBits, RangeSize = rangeSize, Store = store,
            Shard = shard is null ? ShardSpec.Whole : ShardSpec.Parse(shard),
        };
        var spec = pruning is null ? (PruningSpec?)null : PruningSpec.Parse(pruning, value);
        var bisection = reorder ? new BisectionOptions { Iterations = 4 } : null;

        string current = dir.File("built.sfi");
        new IndexBuilder(options).Build(current);
        if (spec is { } s)
        {
            using (var source = SparseIndex.Open(current))
                StaticPruning.Write(source, dir.File("pruned.sfi"), s);
            current = dir.File("pruned.sfi");
        }
        if (bisection is not null)
        {
            using (var source = SparseIndex.Open(current))
                IndexReorderer.Write(source, dir.File("reordered.sfi"), bisection);
            current = dir.File("reordered.sfi");
        }

        Directory.CreateDirectory(dir.File("out"));
        string output = Path.Combine(dir.File("out"), "index.sfi");
        var report = IndexPipeline.Build(options, new IndexTransforms { Pruning = spec, Reorder = bisection }, output);
        Assert.Equal(File.ReadAllBytes(current), File.ReadAllBytes(output));
        Assert.Equal(new[] { output }, Directory.GetFiles(dir.File("out"))); // no stage files or temporary columns left
        using var written = SparseIndex.Open(output);
        Assert.Equal(written.PostingCount, report.Postings);
        Assert.Equal(written.DocumentCount, report.Documents);
        Assert.Equal(new FileInfo(output).Length, report.IndexBytes);
    }

    [Fact]
    public void Stored_fields_read_back_from_the_writer_in_memory()
    {
        var writer = new StoredFieldsWriter(documentsPerBlock: 3);
        var sources = Enumerable.Range(0, 10).Select(i => System.Text.Encoding.UTF8.GetBytes($"{{\"id\":\"d{i}\",\"text\":\"{new string('x', i)}\"}}")).ToArray();
        foreach (var source in sources)
            writer.Add(source);
        var reader = writer.ToReader();
        Assert.Equal(10ul, reader.DocumentCount);
        for (uint d = 0; d < sources.Length; d++)
            Assert.Equal(sources[d], reader.Get(d));
    }

    [Fact]
    public void Pruning_after_reordering_is_refused()
    {
        using var dir = new TempDirectory();
        var (opened, _) = TestIndex.BuildSynthetic(dir, 200, 1, 22);
        using var index = opened;
        var reordered = IndexReorderer.Apply(DocumentContents.FromIndex(index), new BisectionOptions { Iterations = 2 });
        var pruning = StaticPruning.For(PruningSpec.Parse("term-top", 5), index);
        Assert.Throws<ArgumentException>(() => pruning.Apply(reordered));
        Assert.Throws<ArgumentException>(() => IndexReorderer.Apply(reordered, new BisectionOptions()));
    }
}
