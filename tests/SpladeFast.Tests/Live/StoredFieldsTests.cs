using System.Text;
using SpladeFast.Index;
using SpladeFast.Live;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Live;

/// <summary>Stored fields: index --store, rewrites and merges keep them; live segments and the buffer return them.</summary>
[Collection("Console")]
public sealed class StoredFieldsTests
{
    private static string Line(int i) =>
        $"{{\"id\":\"d{i}\",\"title\":\"title {i}\",\"text\":\"{new string((char)('a' + i % 26), i % 50)} text of {i} \\u00e9\",\"vector\":{{\"t{i % 7}\":1.5,\"t{i % 5 + 7}\":0.{i % 9 + 1}}}}}";

    [Fact]
    public void Index_store_keeps_every_document_source_without_its_vector_through_rewrites()
    {
        using var dir = new TempDirectory();
        var lines = Enumerable.Range(0, 100).Select(Line).ToList();
        File.WriteAllLines(dir.File("docs.jsonl"), lines);
        Assert.Equal(0, CliRunner.Run("index", "-I", dir.File("docs.jsonl"), "-o", dir.File("plain.sfi"), "--store", "--bmp").ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "-I", dir.File("docs.jsonl"), "-o", dir.File("reordered.sfi"), "--store", "--reorder", "bp").ExitCode);
        foreach (string name in new[] { "plain.sfi", "reordered.sfi" })
        {
            using var index = SparseIndex.Open(dir.File(name));
            Assert.NotNull(index.StoredFields);
            for (uint d = 0; d < index.DocumentCount; d++)
            {
                int input = int.Parse(index.DocumentId(d)[1..], System.Globalization.CultureInfo.InvariantCulture);
                string stored = Encoding.UTF8.GetString(index.StoredFields!.Get(d));
                Assert.Equal(Encoding.UTF8.GetString(StoredFields.SourceOf(Encoding.UTF8.GetBytes(lines[input]))), stored);
                Assert.DoesNotContain("vector", stored);
                Assert.Contains($"\"title\":\"title {input}\"", stored);
            }
        }
        File.WriteAllText(dir.File("q.tsv"), "q1\tt3 t3 t9\n");
        var shown = CliRunner.Run("query", "-i", dir.File("plain.sfi"), "-q", dir.File("q.tsv"), "-k", "5", "--show", "text");
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("\"title\":\"title 3\"", shown.Out);
        Assert.Contains("(no stored fields", CliRunner.Run("index", "-I", dir.File("docs.jsonl"), "-o", dir.File("bare.sfi")).ExitCode == 0
            ? CliRunner.Run("query", "-i", dir.File("bare.sfi"), "-q", dir.File("q.tsv"), "-k", "1", "--show", "text").Out : "");
    }

    [Fact]
    public void A_live_index_returns_stored_fields_from_the_buffer_segments_and_merges()
    {
        using var dir = new TempDirectory();
        string path = dir.File("live");
        LiveIndex.Create(path, new LiveSettings { FlushDocuments = 30, RangeSize = 8 });
        using var index = LiveIndex.Open(path);
        var lines = Enumerable.Range(0, 100).Select(Line).ToList();
        index.Add(lines.Take(70).Select(Encoding.UTF8.GetBytes).ToList());
        index.Add(lines.Skip(70).Select(Encoding.UTF8.GetBytes).ToList());

        void AssertAll(string stage)
        {
            using var lease = index.Acquire();
            var snapshot = lease.Snapshot;
            foreach (var (_, location) in snapshot.LiveDocuments())
            {
                int input = int.Parse(snapshot.DocumentId(location)[1..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(Encoding.UTF8.GetString(StoredFields.SourceOf(Encoding.UTF8.GetBytes(lines[input]))) == Encoding.UTF8.GetString(snapshot.StoredSource(location)!), stage);
            }
        }
        AssertAll("segments and buffer");
        index.ForceMerge(1);
        index.Flush();
        AssertAll("merged");
    }
}
