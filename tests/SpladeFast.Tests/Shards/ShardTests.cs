using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Shards;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Shards;

public class ShardTests
{
    private sealed record Case(TestDocument[] Documents, string[][] Queries, int Parts, bool RoundRobin, int K, bool Shuffled);

    /// <summary>Few distinct weights, so many equal scores: the tie rule across shards is what is under test.</summary>
    private static readonly Gen<Case> Cases =
        from vocabulary in Gen.Int[1, 12]
        from documents in Gen.Select(Gen.Int[0, vocabulary - 1], Gen.OneOf(0.5, 1.0, 2.0)).Array[1, 6].Array[1, 160]
        from queries in Gen.Int[0, vocabulary + 1].Array[1, 4].Array[1, 4]
        from parts in Gen.Int[1, 4]
        from roundRobin in Gen.Bool
        from k in Gen.OneOf(1, 3, 10, 1000)
        from shuffled in Gen.Bool
        select new Case(
            documents.Select((terms, d) => new TestDocument($"d{d}", terms.DistinctBy(t => t.Item1).Select(t => ($"w{t.Item1}", t.Item2)).ToList())).ToArray(),
            queries.Select(q => q.Select(t => $"w{t}").ToArray()).ToArray(), parts, roundRobin, k, shuffled);

    /// <summary>Shuffled: every shard's documents are renumbered at random, as a reordering would; ties still follow input order.</summary>
    [Fact]
    public void Sharded_search_and_merged_index_equal_one_index_over_all_documents() =>
        Cases.Sample(CheckCase, iter: 30, threads: 1);

    private static void CheckCase(Case c)
    {
        using var dir = new TempDirectory();
        using var whole = TestIndex.Build(dir, c.Documents);
        var paths = BuildShards(dir, c);
        using var shards = ShardSet.Open(paths);
        ShardMerger.Write(shards, dir.File("merged.sfi"));
        using var merged = SparseIndex.Open(dir.File("merged.sfi"));
        Assert.Equal(whole.DocumentCount, merged.DocumentCount);
        Assert.Equal(whole.PostingCount, merged.PostingCount);
        Assert.Equal(8, merged.Ranges!.RangeSize);

        var wholeSearch = new SearchContext(whole);
        var mergedSearch = new SearchContext(merged);
        var shardSearch = new ShardedSearcher(shards);
        foreach (var tokens in c.Queries)
        {
            var expected = Named(wholeSearch.Search(Query(whole.Vocabulary, tokens), c.K, SearchAlgorithms.Get("ranked_or")), whole.DocumentId);
            foreach (var algorithm in SearchAlgorithms.All)
            {
                Assert.Equal(expected, Named(shardSearch.Search(Query(shards.Vocabulary, tokens), c.K, algorithm), shards.DocumentId));
                Assert.Equal(expected, Named(mergedSearch.Search(Query(merged.Vocabulary, tokens), c.K, algorithm), merged.DocumentId));
            }
        }
    }

    [Fact]
    public void Shards_of_different_quantization_are_refused()
    {
        using var dir = new TempDirectory();
        var documents = new[] { new TestDocument("a", [("x", 1.0)]), new TestDocument("b", [("x", 3.0)]) };
        TestIndex.Build(dir, documents[..1], name: "a.sfi").Dispose();
        TestIndex.Build(dir, documents[1..], quantBits: 8, name: "b.sfi").Dispose();
        var error = Assert.Throws<InvalidOperationException>(() => ShardSet.Open([dir.File("a.sfi"), dir.File("b.sfi")]));
        Assert.Contains("quantizes differently", error.Message);
    }

    [Fact]
    public void Round_robin_parts_keep_every_nth_valid_record_and_record_their_part()
    {
        using var dir = new TempDirectory();
        var documents = Enumerable.Range(0, 10).Select(d => new TestDocument($"d{d}", [($"t{d % 3}", 1.0)])).ToArray();
        string jsonl = TestIndex.WriteJsonl(dir.File("docs.jsonl"), documents);
        new IndexBuilder(new IndexBuildOptions { Inputs = [jsonl], Shard = ShardSpec.Parse("1/3") }).Build(dir.File("s.sfi"));
        using var shard = SparseIndex.Open(dir.File("s.sfi"));
        Assert.Equal(["d1", "d4", "d7"], Enumerable.Range(0, shard.DocumentCount).Select(d => shard.DocumentId((uint)d)));
        Assert.Equal("1/3", shard.Metadata.Properties[ShardSpec.PropertyName]);
        Assert.Equal(3, shard.TermCount); // every part reads every record, so all parts share one vocabulary
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("1")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    public void Bad_shard_specs_are_refused(string text) =>
        Assert.Throws<ArgumentException>(() => ShardSpec.Parse(text));
    [Fact]
    public void Later_shards_start_from_the_threshold_the_earlier_ones_reached()
    {
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(4000, 100, 21);
        var paths = Enumerable.Range(0, 2).Select(part => dir.File($"rr{part}.sfi")).ToList();
        for (int part = 0; part < paths.Count; part++)
            new IndexBuilder(new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary, Shard = new ShardSpec(part, paths.Count) }).Build(paths[part]);
        using var shards = ShardSet.Open(paths);
        var queries = QueryReader.Read(collection.Queries, shards.Vocabulary).Queries;
        var algorithm = SearchAlgorithms.Get("maxscore");
        var shared = new ShardedSearcher(shards);
        var alone = shards.Shards.Select(s => new SearchContext(s)).ToArray();
        foreach (var query in queries)
        {
            shared.Search(query, 10, algorithm);
            for (int s = 0; s < alone.Length; s++)
                alone[s].Search(shards.Terms.LocalQuery(query, s), 10, algorithm);
        }
        // Exactness is the property test above; here the second shard scores fewer documents than on its own.
        Assert.True(shared.DocumentsScored < alone.Sum(c => c.DocumentsScored), $"{shared.DocumentsScored} vs {alone.Sum(c => c.DocumentsScored)}");
    }

    private static List<string> BuildShards(TempDirectory dir, Case c)
    {
        var paths = new List<string>();
        if (c.RoundRobin)
        {
            string jsonl = TestIndex.WriteJsonl(dir.File("all.jsonl"), c.Documents);
            for (int part = 0; part < c.Parts; part++)
            {
                paths.Add(dir.File($"rr{part}.sfi"));
                new IndexBuilder(new IndexBuildOptions { Inputs = [jsonl], RangeSize = 8, Shard = new ShardSpec(part, c.Parts) }).Build(paths[^1]);
                paths[^1] = Shuffle(dir, c, paths[^1]);
            }
        }
        else
        {
            // Consecutive pieces with their own vocabularies: term ids differ between shards.
            int size = (c.Documents.Length + c.Parts - 1) / c.Parts;
            foreach (var (piece, i) in c.Documents.Chunk(size).Select((p, i) => (p, i)))
            {
                paths.Add(dir.File($"piece{i}.sfi"));
                TestIndex.Build(dir, piece, name: $"piece{i}.sfi").Dispose();
                paths[^1] = Shuffle(dir, c, paths[^1]);
            }
        }
        return paths;
    }

    private static string Shuffle(TempDirectory dir, Case c, string path)
    {
        if (!c.Shuffled)
            return path;
        using var source = SparseIndex.Open(path);
        string name = Path.GetFileNameWithoutExtension(path) + "-shuffled.sfi";
        TestIndex.Shuffled(dir, source, seed: path.Length + c.Documents.Length, name).Dispose();
        return dir.File(name);
    }

    private static QueryVector Query(Vocabulary vocabulary, string[] tokens) =>
        new("q", tokens.Select(t => vocabulary.TryGetId(t, out int id) ? new QueryTerm(id, 3) : new QueryTerm(int.MaxValue, 3)).ToArray());

    private static List<(string, long)> Named(ReadOnlySpan<SpladeFast.TopK.SearchHit> hits, Func<uint, string> documentId)
    {
        var named = new List<(string, long)>();
        foreach (var hit in hits)
            named.Add((documentId(hit.DocId), hit.Score));
        return named;
    }
}
