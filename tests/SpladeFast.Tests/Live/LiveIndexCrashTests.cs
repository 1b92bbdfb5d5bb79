using System.Diagnostics;
using System.Text;
using SpladeFast.Algorithms;
using SpladeFast.Live;
using SpladeFast.Tests.Support;
using Xunit.Abstractions;

namespace SpladeFast.Tests.Live;

/// <summary>
/// The durability promise under kill -9: a child process (the CLI: live add, delete, commit, merge) writes while the
/// test kills it with SIGKILL at random moments, at least 20 times, landing in batches, flushes, commits and merges.
/// After each kill the index is opened again and: every acknowledged write is there; the batch in flight is there
/// whole or not at all; check passes; and the answers equal brute force over the acknowledged documents (and, at
/// the end, an index built from scratch over them).
/// </summary>
[Collection("Console")]
public sealed class LiveIndexCrashTests(ITestOutputHelper output)
{
    private static readonly string[] Tokens = Enumerable.Range(0, 30).Select(i => $"t{i}").ToArray();
    private const int BatchDocuments = 10;

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Acknowledged_writes_survive_sigkill_and_unacknowledged_ones_are_whole_or_absent()
    {
        Skip.If(OperatingSystem.IsWindows(), "SIGKILL is POSIX");
        using var dir = new TempDirectory();
        string path = dir.File("live");
        LiveIndex.Create(path, new LiveSettings { RangeSize = 16, FlushDocuments = 40, SegmentsPerTier = 2, MaxMergeAtOnce = 3 });
        var model = new LiveModel();
        var random = new Random(19);
        int kills = 0, leftovers = 0, rounds = 0, killedAdding = 0;
        double startupMilliseconds = 1000; // until measured: from the child's start to its first acknowledgement
        while (kills < 20 && rounds < 150) // the rounds a child outlives its kill vary with load; 20 kills are what counts
        {
            int round = rounds++;
            int kind = round % 5;
            string[] args;
            List<TestDocument>? adding = null;
            List<string>? deleting = null;
            if (kind is 0 or 1 or 2)
            {
                adding = Enumerable.Range(0, 200).Select(i => LiveModel.RandomDocument(random, $"r{round}d{i}", Tokens)).ToList();
                TestIndex.WriteJsonl(dir.File("add.jsonl"), adding);
                args = ["live", "add", "-i", path, "-I", dir.File("add.jsonl"), "--batch-docs", BatchDocuments.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            }
            else if (kind == 3 && model.Documents.Count > 0)
            {
                deleting = Enumerable.Range(0, 15).Select(_ => model.Documents[random.Next(model.Documents.Count)].Id).Distinct().ToList();
                File.WriteAllLines(dir.File("delete.txt"), deleting);
                args = ["live", "delete", "-i", path, "--ids", dir.File("delete.txt")];
            }
            else
            {
                args = round % 2 == 0 ? ["live", "commit", "-i", path] : ["live", "merge", "-i", path, "--max-segments", "1"];
            }
            // Adds are killed a moment after a random acknowledgement among the first 12 of their 20 batches, so always
            // while adding, flushing or merging, however fast the machine; the short commands a random moment around
            // the end of the child's start-up, when they work.
            var (killed, stdout, firstOutput) = adding is not null
                ? RunAndKill(args, killAfterAcknowledgements: random.Next(1, 13), TimeSpan.FromMilliseconds(random.Next(0, 20)))
                : RunAndKill(args, killAfterAcknowledgements: 0, TimeSpan.FromMilliseconds(startupMilliseconds * (0.7 + random.NextDouble())));
            if (adding is not null && firstOutput is { } first)
                startupMilliseconds = first.TotalMilliseconds;
            kills += killed ? 1 : 0;
            killedAdding += killed && adding is not null ? 1 : 0;
            leftovers += Directory.EnumerateFiles(path, "*.tmp-*").Any() ? 1 : 0;
            string context = $"round {round} ({string.Join(' ', args.Take(2))}, {(killed ? "killed" : "finished")})";
            using (var index = LiveIndex.Open(path))
            {
                HashSet<string> present;
                using (var lease = index.Acquire())
                    present = lease.Snapshot.LiveDocuments().Select(d => lease.Snapshot.DocumentId(d.Location)).ToHashSet();
                if (adding is not null)
                {
                    int acknowledged = Acknowledged(stdout);
                    Assert.True(killed || acknowledged == adding.Count, $"{context}: only {acknowledged} acknowledged\n{stdout}");
                    model.Add(adding.Take(acknowledged));
                    var inFlight = adding.Skip(acknowledged).Take(BatchDocuments).ToList();
                    int found = inFlight.Count(d => present.Contains(d.Id));
                    Assert.True(found == 0 || found == inFlight.Count, $"{context}: {found} of the {inFlight.Count} documents of the unacknowledged batch are present");
                    if (found > 0)
                        model.Add(inFlight);
                    Assert.DoesNotContain(adding.Skip(acknowledged + BatchDocuments), d => present.Contains(d.Id));
                }
                if (deleting is not null)
                {
                    bool acknowledged = stdout.Contains("acknowledged the deletion", StringComparison.Ordinal);
                    int gone = deleting.Count(id => !present.Contains(id));
                    Assert.True(gone == deleting.Count || (!acknowledged && gone == 0), $"{context}: {gone} of {deleting.Count} deleted (acknowledged: {acknowledged})");
                    if (gone > 0)
                        model.Delete(deleting);
                }
                LiveIndexPropertyTests.Check(index, model, random, context, Tokens);
            }
            var check = CliRunner.Run("check", "-i", path);
            Assert.True(check.ExitCode == 0, $"{context}: check failed: {check.Error}");
        }
        output.WriteLine($"{rounds} rounds, {kills} kills while the child ran ({killedAdding} while adding), {leftovers} left a temporary file (killed mid-write); {model.Documents.Count} documents acknowledged");
        Assert.True(kills >= 20, $"only {kills} kills in {rounds} rounds");

        // The same answers as an index built from scratch over the acknowledged documents, in acknowledgement order.
        using var built = TestIndex.Build(dir, model.Documents, rangeSize: 16);
        using var live = LiveIndex.Open(path, readOnly: true);
        using var final = live.Acquire();
        var expectedSearcher = new SearchContext(built);
        var liveSearcher = new LiveSearcher(final.Snapshot);
        for (int q = 0; q < 20; q++)
        {
            var query = LiveModel.RandomQuery(random, Tokens, built.Vocabulary);
            var expected = expectedSearcher.Search(query, 20, SearchAlgorithms.Get("ranked_or")).ToArray().Select(h => (built.DocumentId(h.DocId), h.Score)).ToList();
            // Every token of the built index is in the live vocabulary, which only grows.
            var liveQuery = query with { Terms = query.Terms.Select(t => t with { TermId = final.Snapshot.Vocabulary.TryGetId(built.Vocabulary[t.TermId], out int id) ? id : throw new InvalidOperationException() }).OrderBy(t => t.TermId).ToArray() };
            var actual = liveSearcher.Search(liveQuery, 20, SearchAlgorithms.Get("bmp")).ToArray().Select(h => (final.Snapshot.DocumentId(h.DocId), h.Score)).ToList();
            Assert.Equal(expected, actual);
        }
    }

    private static int Acknowledged(string stdout) =>
        stdout.Split('\n').Where(l => l.StartsWith("acknowledged ", StringComparison.Ordinal) && l.Contains(" documents (through", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).LastOrDefault();

    /// <summary>
    /// Runs the CLI in a child process and kills it with SIGKILL <paramref name="delay"/> after it starts (or after
    /// its <paramref name="killAfterAcknowledgements"/>-th "acknowledged" line), unless it ended.
    /// </summary>
    private static (bool Killed, string Stdout, TimeSpan? FirstOutput) RunAndKill(string[] args, int killAfterAcknowledgements, TimeSpan delay)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? firstOutput = null;
        int acknowledgements = 0;
        using var started = new ManualResetEventSlim(killAfterAcknowledgements == 0);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "splade-fast.dll"));
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    firstOutput ??= clock.Elapsed;
                    stdout.Append(e.Data).Append('\n');
                    if (e.Data.StartsWith("acknowledged ", StringComparison.Ordinal) && ++acknowledgements >= killAfterAcknowledgements)
                        started.Set();
                }
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool killed = false;
        while (!started.Wait(10) && !process.HasExited)
        {
        }
        if (!process.WaitForExit(delay))
        {
            process.Kill(); // SIGKILL
            killed = true;
        }
        process.WaitForExit();
        lock (stdout)
            return (killed, stdout.ToString(), firstOutput);
    }
}
