using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Index;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cluster;

/// <summary>
/// The cluster as it is deployed: PostgreSQL membership (schema applied by <c>cluster init-db</c>), 3 silo
/// processes and a <c>serve --cluster</c> gateway on 127.0.0.1, a bounded query load over HTTP, SIGKILL of one
/// silo, then of a second: no answer is wrong, and answers are flagged partial exactly when a shard has no
/// replica left. Every process is stopped by pid at the end.
/// </summary>
[Collection("Console")]
public sealed class ProcessClusterTests
{
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(90);

    [SkippableFact]
    [Trait("Category", "Slow")]
    public async Task Silo_processes_on_postgresql_answer_exactly_through_sigkill()
    {
        using var postgres = LocalPostgres.Start(out string reason);
        Skip.If(postgres is null, reason);
        using var data = ClusterCollection.Build(documents: 2000, queries: 10, seed: 23);
        double impactScale;
        using (var whole = SparseIndex.Open(data.Whole))
            impactScale = whole.ImpactScale;
        var config = new ClusterConfig
        {
            ClusterId = $"test-{Guid.NewGuid():N}",
            Membership = MembershipKind.PostgreSql,
            ConnectionString = postgres.ConnectionString,
            Shards = [.. Enumerable.Range(0, ClusterCollection.ShardCount).Select(ClusterCollection.ShardName)],
            ProbeTimeoutSeconds = 1,
            RefreshSeconds = 0.5,
        };
        string configPath = data.Dir.File("cluster.json");
        File.WriteAllText(configPath, config.ToJson());
        var (code, output, error) = CliRunner.Run("cluster", "init-db", "--cluster", configPath);
        Assert.True(code == 0, error);
        (code, output, error) = CliRunner.Run("cluster", "init-db", "--cluster", configPath);
        Assert.True(code == 0, error);
        Assert.Contains("already there", output);

        var children = new List<Child>();
        try
        {
            for (int silo = 0; silo < ClusterCollection.SiloCount; silo++)
            {
                children.Add(Child.Start("cluster", "silo", "--shards", data.SiloDirectory(silo), "--cluster", configPath, "--name", $"silo-{silo}",
                    "--silo-port", Port(), "--gateway-port", Port()));
            }
            foreach (var child in children)
                await child.WaitForLine("serving", StartWait);
            var gateway = Child.Start("serve", "--cluster", configPath, "--port", "0");
            children.Add(gateway);
            string line = await gateway.WaitForLine("serving", StartWait);
            string url = line[line.IndexOf("http://", StringComparison.Ordinal)..].Split(' ', ',')[0];
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };

            Assert.Equal(0, await Load(http, data, impactScale, rounds: 2, expectPartial: []));

            // One silo killed: every shard keeps a replica, so no answer may be partial, let alone wrong.
            children[1].Kill();
            try
            {
                Assert.Equal(0, await Load(http, data, impactScale, rounds: 4, expectPartial: []));
            }
            catch (Exception e)
            {
                throw new InvalidOperationException("gateway said:\n" + gateway.Output, e);
            }

            // A second one: the shards whose replicas were both on the killed silos are missing, and only those.
            children[2].Kill();
            var lost = data.Plan.Shards.Where(s => !s.Silos.Contains(0)).Select(s => ClusterCollection.ShardName(s.Part.Part)).ToList();
            await Load(http, data, impactScale, rounds: 2, expectPartial: lost);
            using var complete = await http.PostAsJsonAsync("/search", new Dictionary<string, object> { ["vector"] = new Dictionary<string, double> { ["w1"] = 1 }, ["k"] = 10, ["require_complete"] = true });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, complete.StatusCode);
            Assert.Contains(lost[0], await complete.Content.ReadAsStringAsync());
        }
        finally
        {
            foreach (var child in children)
                child.Dispose();
        }
    }

    /// <summary>
    /// Sends every query <paramref name="rounds"/> times: each answer must be the exact top 10 of the shards it
    /// answered for, and name as missing no shard outside <paramref name="expectPartial"/> (a shard in it may
    /// still answer while its silos' death is news). Returns how many answers were partial.
    /// </summary>
    private static async Task<int> Load(HttpClient http, ClusterCollection data, double impactScale, int rounds, IReadOnlyList<string> expectPartial)
    {
        int partial = 0;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var tokens in data.Queries)
            {
                var request = new Dictionary<string, object> { ["vector"] = tokens.ToDictionary(t => t, _ => 1.0), ["k"] = 10 };
                using var response = await http.PostAsJsonAsync("/search", request);
                string body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, body);
                using var json = JsonDocument.Parse(body);
                var missing = json.RootElement.GetProperty("missing_shards").EnumerateArray().Select(e => e.GetString()!).ToList();
                Assert.Equal(missing.Count > 0, json.RootElement.GetProperty("partial").GetBoolean());
                Assert.All(missing, m => Assert.Contains(m, expectPartial));
                partial += missing.Count > 0 ? 1 : 0;
                var answered = Enumerable.Range(0, ClusterCollection.ShardCount).Where(p => !missing.Contains(ClusterCollection.ShardName(p))).Select(data.Shard).ToList();
                var expected = ClusterCollection.Expected(answered, tokens, 10).Select(h => (h.Id, Math.Round(h.Score / (impactScale * 100), 9))).ToList();
                var hits = json.RootElement.GetProperty("hits").EnumerateArray()
                    .Select(h => (h.GetProperty("id").GetString()!, Math.Round(h.GetProperty("score").GetDouble(), 9))).ToList();
                Assert.Equal(expected, hits);
            }
        }
        return partial;
    }

    private static string Port() => LocalPostgres.FreePort().ToString(CultureInfo.InvariantCulture);

    /// <summary>A splade-fast process with its output collected, killed by pid when disposed.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private Child(Process process) => _process = process;

        public static Child Start(params string[] arguments)
        {
            var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "splade-fast"), arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = new Process { StartInfo = start };
            var child = new Child(process);
            process.OutputDataReceived += (_, e) => child.Add(e.Data);
            process.ErrorDataReceived += (_, e) => child.Add(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return child;
        }

        public async Task<string> WaitForLine(string marker, TimeSpan wait)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < wait)
            {
                if (_lines.FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal)) is { } line)
                    return line;
                if (_process.HasExited)
                    throw new InvalidOperationException($"{_process.StartInfo.Arguments} exited ({_process.ExitCode}):\n{string.Join('\n', _lines)}");
                await Task.Delay(100);
            }
            throw new TimeoutException($"{_process.StartInfo.Arguments} printed no '{marker}' in {wait.TotalSeconds} s:\n{string.Join('\n', _lines)}");
        }

        public string Output => string.Join('\n', _lines);

        /// <summary>SIGKILL, by pid.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is not null)
                _lines.Enqueue(line);
        }
    }
}
