using CsCheck;
using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Live;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Live;

/// <summary>
/// bmp across the segments of a live index (<see cref="SegmentedBlockMaxPruning"/>) against brute force over the
/// live documents: random segments with deletes and replacements across them, a buffer beside them, impacts of 1 to
/// 3 so that ties are everywhere, several range sizes and k, memory-mapped and in-memory segments.
/// </summary>
public sealed class SegmentedBlockMaxPruningTests
{
    private const int Tokens = 12, Ids = 60;

    /// <summary>A document of 1 to 5 distinct tokens, weights 0.01 to 0.03 (impacts 1 to 3 at scale 100).</summary>
    private static readonly Gen<TestDocument> Document =
        Gen.Select(Gen.Int[0, Ids - 1], Gen.Select(Gen.Int[0, Tokens - 1], Gen.Int[1, 3]).Array[1, 5])
            .Select((id, terms) => new TestDocument($"d{id}", terms.DistinctBy(t => t.Item1).Select(t => ($"t{t.Item1}", t.Item2 * 0.01)).ToList()));

    /// <summary>What goes into one segment: added batches, then ids deleted (from it or any earlier segment).</summary>
    private static readonly Gen<(TestDocument[][] Batches, int[] Deletes)> SegmentWrites =
        Gen.Select(Document.Array[1, 12].Array[1, 3], Gen.Int[0, Ids - 1].Array[0, 6]);

    private static readonly Gen<(int Token, int Weight)[]> Query = Gen.Select(Gen.Int[0, Tokens - 1], Gen.Int[1, 3]).Array[1, 6];

    private static readonly Gen<Case> Cases =
        Gen.Select(SegmentWrites.Array[2, 6], Document.Array[0, 6], Query.Array[3], Gen.Int[1, 8], Gen.Bool)
            .Select((segments, buffer, queries, rangeSize, mapped) => new Case(segments, buffer, queries, rangeSize,
                mapped ? IndexStorageKind.MemoryMapped : IndexStorageKind.InMemory));

    [Fact]
    public void Answers_as_brute_force_over_the_live_documents_ties_and_deletes_included()
    {
        int severalSegments = 0, withDeletes = 0;
        Cases.Sample(c =>
        {
            using var dir = new TempDirectory();
            string path = dir.File("live");
            LiveIndex.Create(path, new LiveSettings { RangeSize = c.RangeSize, FlushDocuments = 1000 });
            using var index = LiveIndex.Open(path, storage: c.Storage);
            var model = new LiveModel();
            foreach (var (batches, deletes) in c.Segments)
            {
                foreach (var batch in batches)
                {
                    index.Add(batch.Select(LiveModel.Line).ToList());
                    model.Add(batch);
                }
                var ids = deletes.Select(i => $"d{i}").ToList();
                index.Delete(ids);
                model.Delete(ids);
                index.Flush();
            }
            if (c.Buffer.Length > 0)
            {
                index.Add(c.Buffer.Select(LiveModel.Line).ToList());
                model.Add(c.Buffer);
            }
            using var lease = index.Acquire();
            var snapshot = lease.Snapshot;
            severalSegments += snapshot.Segments.Count >= 2 ? 1 : 0;
            withDeletes += snapshot.Segments.Any(s => s.Deleted.Count > 0) ? 1 : 0;
            var searcher = new LiveSearcher(snapshot) { DocumentsPerBmpResult = 0 };
            var bmp = SearchAlgorithms.Get("bmp");
            foreach (var terms in c.Queries)
            {
                var query = new QueryVector("q", terms.DistinctBy(t => t.Token)
                    .Select(t => snapshot.Vocabulary.TryGetId($"t{t.Token}", out int id) ? new QueryTerm(id, (uint)t.Weight) : (QueryTerm?)null)
                    .OfType<QueryTerm>().OrderBy(t => t.TermId).ToArray());
                foreach (int k in new[] { 1, 3, 10, 1000 })
                {
                    var expected = model.Search(query, snapshot.Vocabulary, k);
                    var actual = searcher.Search(query, k, bmp).ToArray().Select(h => (snapshot.DocumentId(h.DocId), h.Score)).ToArray();
                    Assert.True(expected.SequenceEqual(actual), $"k={k}: expected {LiveModel.Describe(expected)}, got {LiveModel.Describe(actual)}");
                }
            }
        }, iter: 60, threads: 1);
        // The cases exercised what they are meant to: several segments, and deletes in them.
        Assert.True(severalSegments > 30 && withDeletes > 10, $"{severalSegments} cases with several segments, {withDeletes} with segment deletes");
    }

    public sealed record Case((TestDocument[][] Batches, int[] Deletes)[] Segments, TestDocument[] Buffer, (int Token, int Weight)[][] Queries,
        int RangeSize, IndexStorageKind Storage)
    {
        public override string ToString() =>
            $"range size {RangeSize}, {Storage}, segments [{string.Join(" | ", Segments.Select(s => $"{string.Join(" ; ", s.Batches.Select(Describe))} del {string.Join(",", s.Deletes)}"))}]"
            + $", buffer {Describe(Buffer)}, queries [{string.Join(" | ", Queries.Select(q => string.Join(" ", q.Select(t => $"t{t.Token}:{t.Weight}"))))}]";

        private static string Describe(TestDocument[] batch) =>
            string.Join(" ", batch.Select(d => $"{d.Id}({string.Join(" ", d.Vector.Select(v => $"{v.Token}:{v.Weight}"))})"));
    }
}
