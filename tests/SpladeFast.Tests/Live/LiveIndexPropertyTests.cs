using SpladeFast.Algorithms;
using SpladeFast.Index;
using SpladeFast.Live;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Live;

/// <summary>
/// Random sequences of add, replace, delete, flush, merge and reopen, checked after every step against brute force
/// over the model collection, with every algorithm and several k (ties are frequent: weights are small integers),
/// over memory-mapped and in-memory segments alike.
/// </summary>
public sealed class LiveIndexPropertyTests
{
    private static readonly string[] Tokens = Enumerable.Range(0, 24).Select(i => $"t{i}").ToArray();

    [Theory]
    [InlineData(1, IndexStorageKind.MemoryMapped)]
    [InlineData(2, IndexStorageKind.InMemory)]
    [InlineData(3, IndexStorageKind.MemoryMapped)]
    [InlineData(4, IndexStorageKind.InMemory)]
    [InlineData(5, IndexStorageKind.MemoryMapped)]
    [InlineData(6, IndexStorageKind.InMemory)]
    public void RandomWritesAnswerAsBruteForce(int seed, IndexStorageKind storage)
    {
        using var dir = new TempDirectory();
        string path = dir.File("live");
        var settings = new LiveSettings { RangeSize = 4, FlushDocuments = 9, SegmentsPerTier = 2, MaxMergeAtOnce = 3 };
        LiveIndex.Create(path, settings);
        var index = LiveIndex.Open(path, storage: storage);
        try
        {
            var random = new Random(seed);
            var model = new LiveModel();
            int mostSegments = 0;
            bool sawSegmentDeletes = false, sawBuffer = false;
            for (int step = 0; step < 60; step++)
            {
                int op = random.Next(100);
                string action;
                if (op < 45)
                {
                    var batch = Enumerable.Range(0, random.Next(1, 6)).Select(_ => LiveModel.RandomDocument(random, $"d{random.Next(40)}", Tokens)).ToList();
                    index.Add(batch.Select(LiveModel.Line).ToList());
                    model.Add(batch);
                    action = $"add {string.Join(",", batch.Select(d => d.Id))}";
                }
                else if (op < 65)
                {
                    var ids = Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"d{random.Next(40)}").ToList();
                    index.Delete(ids);
                    model.Delete(ids);
                    action = $"delete {string.Join(",", ids)}";
                }
                else if (op < 75)
                {
                    index.Flush();
                    action = "flush";
                }
                else if (op < 85)
                {
                    index.MaybeMerge();
                    action = "merge";
                }
                else if (op < 92)
                {
                    index.ForceMerge(random.Next(1, 3));
                    action = "force merge";
                }
                else
                {
                    index.Dispose();
                    index = LiveIndex.Open(path, storage: storage);
                    action = "reopen";
                }
                Check(index, model, random, $"seed {seed} step {step} ({action})");
                using var lease = index.Acquire();
                mostSegments = Math.Max(mostSegments, lease.Snapshot.Segments.Count);
                sawSegmentDeletes |= lease.Snapshot.Segments.Any(s => s.Deleted.Count > 0);
                sawBuffer |= lease.Snapshot.BufferCount > 0 && lease.Snapshot.Segments.Count > 0;
            }
            // The sequence exercised what it is meant to: several segments, deletes in them, and a buffer beside them.
            Assert.True(mostSegments >= 2 && sawSegmentDeletes && sawBuffer, $"segments {mostSegments}, segment deletes {sawSegmentDeletes}, buffer {sawBuffer}");
        }
        finally
        {
            index.Dispose();
        }
    }

    internal static void Check(LiveIndex index, LiveModel model, Random random, string context, IReadOnlyList<string>? tokens = null)
    {
        using var lease = index.Acquire();
        var snapshot = lease.Snapshot;
        Assert.Equal(model.Documents.Count, snapshot.DocumentCount);
        for (int q = 0; q < 4; q++)
        {
            var query = LiveModel.RandomQuery(random, tokens ?? Tokens, snapshot.Vocabulary);
            foreach (int k in new[] { 1, 3, 10, 100 })
            {
                var expected = model.Search(query, snapshot.Vocabulary, k);
                foreach (var algorithm in SearchAlgorithms.All)
                {
                    var actual = LiveModel.Search(snapshot, query, k, algorithm);
                    if (!expected.SequenceEqual(actual))
                        Assert.Fail($"{context}, {algorithm.Name}, k={k}: expected {LiveModel.Describe(expected)}, got {LiveModel.Describe(actual)}");
                }
            }
        }
    }
}
