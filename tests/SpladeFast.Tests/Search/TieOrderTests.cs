using SpladeFast.Algorithms;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Search;

/// <summary>Equal scores rank by the documents' input order, whatever their physical order (issue 15, item 4).</summary>
[Collection("Console")]
public class TieOrderTests
{
    private static string Case(string file) => CaseFiles.Path("2026-11-30", "ties-after-reorder", file);

    /// <summary>Case ties-after-reorder: 300 documents tie; a bp-reordered index returned doc0009, doc0021, ...</summary>
    [Fact]
    public void A_bp_reordered_index_returns_the_same_top_10_as_the_plain_one_with_every_algorithm()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("index", "--input", Case("docs.jsonl"), "--output", dir.File("plain.sfi"), "--bmp").ExitCode);
        Assert.Equal(0, CliRunner.Run("index", "--input", Case("docs.jsonl"), "--output", dir.File("bp.sfi"), "--bmp", "--reorder", "bp").ExitCode);
        using (var reordered = SparseIndex.Open(dir.File("bp.sfi")))
            Assert.False(reordered.Order.IsIdentity, "bisection left the documents in input order, so the case tests nothing");
        foreach (var algorithm in SearchAlgorithms.Names)
        {
            foreach (string index in new[] { "plain", "bp" })
            {
                var (code, _, error) = CliRunner.Run("query", "--index", dir.File($"{index}.sfi"), "--queries", Case("q.tsv"), "--k", "10",
                    "--algorithm", algorithm, "--run", dir.File($"{index}.trec"));
                Assert.True(code == 0, error);
            }
            var plain = File.ReadAllLines(dir.File("plain.trec"));
            Assert.Equal(plain, File.ReadAllLines(dir.File("bp.trec")));
            Assert.Equal(Enumerable.Range(0, 10).Select(d => $"doc{d:D4}"), plain.Where(l => l.StartsWith("q1 ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]));
        }
    }

    [Fact]
    public void Vectors_exported_from_a_reordered_index_come_out_in_input_order()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("index", "--input", Case("docs.jsonl"), "--output", dir.File("bp.sfi"), "--reorder", "bp").ExitCode);
        var (code, _, error) = CliRunner.Run("export", "--format", "anserini", "--index", dir.File("bp.sfi"), "--output", dir.File("again.jsonl"));
        Assert.True(code == 0, error);
        var exported = File.ReadLines(dir.File("again.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString());
        Assert.Equal(Enumerable.Range(0, 300).Select(d => $"doc{d:D4}"), exported);
    }

    [Fact]
    public void Reordering_stores_each_documents_input_ordinal_and_rewrites_keep_it()
    {
        using var dir = new TempDirectory();
        var documents = Enumerable.Range(0, 40).Select(d => new TestDocument($"d{d}", [("a", 1.0), ($"t{d % 4}", 0.5)])).ToArray();
        using var plain = TestIndex.Build(dir, documents);
        Assert.True(plain.Order.IsIdentity);
        Assert.DoesNotContain(plain.Sections, s => s.Kind == SectionKind.DocumentOrder);
        using var shuffled = TestIndex.Shuffled(dir, plain, seed: 7);
        for (uint d = 0; d < shuffled.DocumentCount; d++)
        {
            Assert.Equal($"d{shuffled.Order.Ordinal(d)}", shuffled.DocumentId(d));
            Assert.Equal(d, shuffled.Order.DocId(shuffled.Order.Ordinal(d)));
        }
        // A rewrite of the rewrite (static pruning keeping everything) carries the ordinals over.
        SpladeFast.Prune.StaticPruning.Write(shuffled, dir.File("pruned.sfi"), SpladeFast.Prune.PruningSpec.Parse("min-impact", 0));
        using var pruned = SparseIndex.Open(dir.File("pruned.sfi"));
        var query = new QueryVector("q", [new QueryTerm(0, 1)]);
        var expected = new SearchContext(plain).Search(query, 15, new RankedOr()).ToArray().Select(h => plain.DocumentId(h.DocId));
        Assert.Equal(expected, new SearchContext(pruned).Search(query, 15, new RankedOr()).ToArray().Select(h => pruned.DocumentId(h.DocId)));
        Assert.Equal(Enumerable.Range(0, 15).Select(d => $"d{d}"), expected);
    }

    [Fact]
    public void A_damaged_document_order_is_refused_at_opening()
    {
        using var dir = new TempDirectory();
        var documents = Enumerable.Range(0, 20).Select(d => new TestDocument($"d{d}", [("a", 1.0)])).ToArray();
        using var plain = TestIndex.Build(dir, documents);
        using var shuffled = TestIndex.Shuffled(dir, plain, seed: 3);
        var section = shuffled.Sections.Single(s => s.Kind == SectionKind.DocumentOrder);
        var bytes = File.ReadAllBytes(shuffled.Path);
        BitConverter.GetBytes(25u).CopyTo(bytes, (int)section.Offset + 8); // document 2's ordinal past the end
        var error = Assert.Throws<IndexCorruptException>(() => SparseIndex.Open(new SpladeFast.Storage.InMemoryStorage("bad.sfi", bytes), verifyChecksums: false).Dispose());
        Assert.Contains("bad.sfi", error.Message);
        Assert.Contains("DocumentOrder", error.Message);
    }
}
