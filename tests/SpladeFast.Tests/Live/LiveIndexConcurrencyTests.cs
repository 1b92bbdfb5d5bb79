using SpladeFast.Algorithms;
using SpladeFast.Live;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Live;

/// <summary>
/// Readers query without pause while a writer adds, replaces and deletes, a flusher commits and the background
/// thread merges: no query fails, and none sees a torn state. Documents come in pairs (ids pNa, pNb, one vector)
/// written in one batch, so every snapshot holds both of a pair or neither, with one score.
/// </summary>
public sealed class LiveIndexConcurrencyTests
{
    private static readonly string[] Tokens = Enumerable.Range(0, 30).Select(i => $"t{i}").ToArray();

    [Fact]
    public async Task Readers_never_see_a_torn_state_while_writers_add_delete_and_merge()
    {
        using var dir = new TempDirectory();
        string path = dir.File("live");
        LiveIndex.Create(path, new LiveSettings { RangeSize = 8, FlushDocuments = 40, SegmentsPerTier = 2, MaxMergeAtOnce = 3 });
        var model = new LiveModel();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long queries = 0;
        using (var index = LiveIndex.Open(path))
        {
            index.StartBackgroundWork(TimeSpan.FromMilliseconds(20));
            using var stop = new CancellationTokenSource();
            using var readersRunning = new CountdownEvent(3);
            // Readers on their own threads (not the pool, which may start them late) overlap the writes from the first.
            var readers = Enumerable.Range(0, 3).Select(r => Task.Factory.StartNew(() =>
            {
                bool first = true;
                var random = new Random(r);
                var bmp = SearchAlgorithms.Get("bmp");
                var exhaustive = SearchAlgorithms.Get("ranked_or");
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var lease = index.Acquire();
                        var snapshot = lease.Snapshot;
                        var query = LiveModel.RandomQuery(random, Tokens, snapshot.Vocabulary);
                        var fast = LiveModel.Search(snapshot, query, 1000, bmp);
                        var reference = LiveModel.Search(snapshot, query, 1000, exhaustive);
                        if (!fast.SequenceEqual(reference))
                            failures.Enqueue($"bmp differs from ranked_or on one snapshot: {LiveModel.Describe(fast)} vs {LiveModel.Describe(reference)}");
                        var scores = fast.ToDictionary(h => h.Id, h => h.Score);
                        foreach (var (id, score) in fast)
                        {
                            string pair = id[..^1] + (id[^1] == 'a' ? 'b' : 'a');
                            if (!scores.TryGetValue(pair, out long other) || other != score)
                                failures.Enqueue($"torn: {id} scores {score} but {pair} {(scores.ContainsKey(pair) ? $"scores {other}" : "is absent")}");
                        }
                        if (snapshot.DocumentCount % 2 != 0)
                            failures.Enqueue($"torn: {snapshot.DocumentCount} documents");
                        Interlocked.Increment(ref queries);
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue(e.ToString());
                    }
                    if (first)
                    {
                        first = false;
                        readersRunning.Signal();
                    }
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            Assert.True(readersRunning.Wait(TimeSpan.FromMinutes(2)), "the readers did not start");
            long queriesBeforeWrites = Volatile.Read(ref queries);
            var flusher = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    index.Flush();
                    Thread.Sleep(50);
                }
            });
            var writerRandom = new Random(99);
            for (int i = 0; i < 200; i++)
            {
                int op = writerRandom.Next(10);
                if (op < 7)
                {
                    int pair = writerRandom.Next(200);
                    var vector = LiveModel.RandomDocument(writerRandom, "", Tokens).Vector;
                    var batch = new[] { new TestDocument($"p{pair}a", vector), new TestDocument($"p{pair}b", vector) };
                    index.Add(batch.Select(LiveModel.Line).ToList());
                    model.Add(batch);
                }
                else
                {
                    int pair = writerRandom.Next(200);
                    index.Delete([$"p{pair}a", $"p{pair}b"]);
                    model.Delete([$"p{pair}a", $"p{pair}b"]);
                }
                if (i % 50 == 0)
                    index.ForceMerge(2);
            }
            long queriesDuringWrites = Volatile.Read(ref queries) - queriesBeforeWrites;
            Thread.Sleep(200); // let the background thread flush and merge with readers still running
            stop.Cancel();
            await Task.WhenAll([.. readers, flusher]);
            Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
            Assert.True(queriesDuringWrites > 0, "no query ran while the writes did");
            Assert.True(index.Stats().MergesDone > 0);
            LiveIndexPropertyTests.Check(index, model, new Random(5), "after the concurrent writes");
        }
        using var reopened = LiveIndex.Open(path);
        LiveIndexPropertyTests.Check(reopened, model, new Random(6), "reopened");
    }

    [Fact]
    public void A_segment_stays_open_for_a_lease_taken_before_the_index_closed()
    {
        using var dir = new TempDirectory();
        string path = dir.File("live");
        LiveIndex.Create(path, new LiveSettings { RangeSize = 8 });
        var index = LiveIndex.Open(path);
        var random = new Random(1);
        var documents = Enumerable.Range(0, 30).Select(i => LiveModel.RandomDocument(random, $"d{i}", Tokens)).ToList();
        index.Add(documents.Select(LiveModel.Line).ToList());
        index.Flush();
        var lease = index.Acquire();
        var segment = lease.Snapshot.Segments[0].Segment;
        index.Add([LiveModel.Line(documents[0] with { Id = "late" })]);
        index.ForceMerge(1);
        index.Dispose();
        // The index is closed and the segment merged away, but this search's lease keeps it mapped.
        var model = new LiveModel();
        model.Add(documents);
        var query = LiveModel.RandomQuery(random, Tokens, lease.Snapshot.Vocabulary);
        Assert.Equal(model.Search(query, lease.Snapshot.Vocabulary, 10), LiveModel.Search(lease.Snapshot, query, 10, SearchAlgorithms.Get("bmp")));
        Assert.True(segment.Leases > 0);
        lease.Dispose();
        Assert.Equal(0, segment.Leases);
        Assert.False(segment.TryAcquire());
        Assert.Throws<InvalidOperationException>(segment.Release);
    }
}
