using SpladeFast.Format;
using SpladeFast.Live;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Live;

/// <summary>Damaged live index files are detected, a torn log tail is cut, and the merge policy keeps tiers bounded.</summary>
public sealed class LiveFilesTests
{
    private static readonly string[] Tokens = ["a", "b", "c", "d"];

    private static (string Path, LiveModel Model) Make(TempDirectory dir)
    {
        string path = dir.File("live");
        LiveIndex.Create(path, new LiveSettings { RangeSize = 4, FlushDocuments = 1000 });
        var random = new Random(3);
        var model = new LiveModel();
        using var index = LiveIndex.Open(path);
        var first = Enumerable.Range(0, 20).Select(i => LiveModel.RandomDocument(random, $"d{i}", Tokens)).ToList();
        index.Add(first.Select(LiveModel.Line).ToList());
        index.Flush();
        index.Delete(["d3"]);
        index.Flush(); // commits the segment's deletes file
        var second = Enumerable.Range(20, 10).Select(i => LiveModel.RandomDocument(random, $"d{i}", Tokens)).ToList();
        index.Add(second.Select(LiveModel.Line).ToList());
        model.Add(first);
        model.Delete(["d3"]);
        model.Add(second);
        return (path, model);
    }

    [Fact]
    public void A_torn_log_tail_is_cut_and_every_whole_batch_kept()
    {
        using var dir = new TempDirectory();
        var (path, model) = Make(dir);
        string log = Directory.EnumerateFiles(path, "wal_*.log").Single();
        long whole = new FileInfo(log).Length;
        using (var stream = new FileStream(log, FileMode.Append))
            stream.Write([200, 0, 0, 0, 1, 2, 3]); // a record header cut short, as a crash mid-append leaves it
        using var index = LiveIndex.Open(path);
        LiveIndexPropertyTests.Check(index, model, new Random(1), "after the torn tail", Tokens);
        Assert.Equal(whole, new FileInfo(log).Length); // the writer cut the torn record off
        index.Add([LiveModel.Line(new TestDocument("late", [("a", 1.0)]))]);
        model.Add([new TestDocument("late", [("a", 1.0)])]);
        index.Dispose();
        using var reopened = LiveIndex.Open(path);
        LiveIndexPropertyTests.Check(reopened, model, new Random(2), "appended after the cut", Tokens);
    }

    [Theory]
    [InlineData("segments_*")]
    [InlineData("seg_*.del")]
    [InlineData("seg_*.sfi")]
    public void A_damaged_file_is_reported_naming_it_never_searched(string pattern)
    {
        using var dir = new TempDirectory();
        var (path, _) = Make(dir);
        string file = Directory.EnumerateFiles(path, pattern).OrderDescending().First();
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(file, bytes);
        var error = Assert.ThrowsAny<Exception>(() => LiveIndex.Open(path, readOnly: true).Dispose());
        Assert.True(error is IndexCorruptException, error.ToString());
        Assert.Contains(Path.GetFileName(file), error.Message);
    }

    [Fact]
    public void The_tiered_policy_merges_only_past_its_budget_and_purges_deletes()
    {
        var settings = new LiveSettings { FlushDocuments = 100, SegmentsPerTier = 4, MaxMergeAtOnce = 4 };
        var policy = new MergePolicy(settings);
        MergePolicy.Candidate Segment(int documents, int deleted = 0) => new(documents, deleted);
        Assert.Null(policy.Find([.. Enumerable.Repeat(Segment(100), 4)]));
        // 900 documents allow 4 segments of 100 and 2 of the next tier: 9 are too many.
        var merge = policy.Find([.. Enumerable.Repeat(Segment(100), 9)]);
        Assert.NotNull(merge);
        Assert.Equal(4, merge!.Count);
        Assert.Equal([1], policy.Find([Segment(100), Segment(100, deleted: 30)]));
        Assert.Equal([2, 0], MergePolicy.ForMaxSegments([Segment(50), Segment(300), Segment(10)], 2));
    }
}
