using SpladeFast.Index;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Index;

/// <summary>
/// An index or input reached through a symbolic link reads as its target (deployments link the current index file;
/// FileInfo.Length alone would report the link's own few bytes and call the index truncated).
/// </summary>
public class SymbolicLinkTests
{
    [Theory]
    [InlineData(IndexStorageKind.MemoryMapped)]
    [InlineData(IndexStorageKind.InMemory)]
    public void An_index_opened_through_a_link_is_its_target(IndexStorageKind storage)
    {
        using var dir = new TempDirectory();
        using var index = TestIndex.Build(dir, [new TestDocument("d0", [("a", 1.5), ("b", 0.5)]), new TestDocument("d1", [("b", 2.0)])]);
        File.CreateSymbolicLink(dir.File("current.sfi"), index.Path);
        using var linked = SparseIndex.Open(dir.File("current.sfi"), storage);
        Assert.Equal(index.FileLength, linked.FileLength);
        Assert.Equal(index.PostingCount, linked.PostingCount);
        Assert.Equal("d1", linked.DocumentId(1));
    }

    [Fact]
    public void An_input_length_is_its_target_length()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("docs.jsonl"), new string('x', 1000));
        File.CreateSymbolicLink(dir.File("link.jsonl"), dir.File("docs.jsonl"));
        Assert.Equal(1000, SpladeFast.Ingest.InputFiles.Length(dir.File("link.jsonl")));
    }
}
