using System.Diagnostics;
using SpladeFast.Build;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Format;

/// <summary>A build killed with SIGKILL leaves OUTPUT.tmp-PID* files; the next build of that output removes them, and only them.</summary>
public class TemporaryFilesTests
{
    [Fact]
    public void A_build_removes_the_temporary_files_of_dead_builds_and_keeps_live_ones()
    {
        using var dir = new TempDirectory();
        int dead = ExitedProcessId();
        string[] stale =
        [
            $"i.sfi.tmp-{dead}", $"i.sfi.tmp-{dead}-{Guid.NewGuid():N}", $"i.sfi.tmp-{dead}-stage0",
            $"i.sfi.tmp-{dead}-stage0.tmp-{dead}-{Guid.NewGuid():N}", $"i.sfi.tmp-{dead}-entries-{Guid.NewGuid():N}",
        ];
        string[] kept =
        [
            $"i.sfi.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}", "i.sfi.tmp-1-stage0",
            $"j.sfi.tmp-{dead}", $"i.sfi.tmp-{dead}x", "i.sfi.tmp-pid", "i.sfi.bak",
        ];
        foreach (string name in stale.Concat(kept))
            File.WriteAllText(dir.File(name), "partial");
        File.WriteAllLines(dir.File("docs.jsonl"), ["""{"id": "d1", "vector": {"a": 1}}"""]);

        new IndexBuilder(new IndexBuildOptions { Inputs = [dir.File("docs.jsonl")] }).Build(dir.File("i.sfi"));

        var left = Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(kept.Append("docs.jsonl").Append("i.sfi").Order(StringComparer.Ordinal), left);
    }

    [Fact]
    public void Stale_temporary_folders_go_too_as_an_interrupted_demo_leaves_them()
    {
        using var dir = new TempDirectory();
        int dead = ExitedProcessId();
        Directory.CreateDirectory(dir.File($"splade-fast-demo.tmp-{dead}/collection"));
        File.WriteAllText(dir.File($"splade-fast-demo.tmp-{dead}/collection/docs.jsonl"), "partial");
        Directory.CreateDirectory(dir.File($"splade-fast-demo.tmp-{Environment.ProcessId}"));
        SpladeFast.Format.TemporaryFiles.RemoveStale(dir.File("splade-fast-demo"));
        Assert.Equal([$"splade-fast-demo.tmp-{Environment.ProcessId}"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName));
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void A_build_killed_with_sigkill_is_cleaned_up_by_the_next_build()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the CLI's app host is started as a Linux executable");
        using var dir = new TempDirectory();
        var collection = SyntheticCollections.Get(60_000, 1, 3);
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "splade-fast"),
            ["index", "--input", collection.Documents, "--vocab", collection.Vocabulary, "--output", dir.File("i.sfi"), "--bmp"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var build = Process.Start(start)!)
        {
            var clock = Stopwatch.StartNew();
            while (Temporaries(dir).Length == 0 && !build.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(1);
            build.Kill();
            build.WaitForExit();
            Assert.True(build.ExitCode != 0, "the build ended before it could be killed; give it more documents");
        }
        Assert.NotEmpty(Temporaries(dir));
        Assert.False(File.Exists(dir.File("i.sfi")));

        File.WriteAllLines(dir.File("small.jsonl"), ["""{"id": "d1", "vector": {"a": 1}}"""]);
        new IndexBuilder(new IndexBuildOptions { Inputs = [dir.File("small.jsonl")], RangeSize = 32 }).Build(dir.File("i.sfi"));
        Assert.Empty(Temporaries(dir));
        Assert.True(File.Exists(dir.File("i.sfi")));
    }

    private static string[] Temporaries(TempDirectory dir) => Directory.GetFiles(dir.Path, "i.sfi.tmp-*");

    /// <summary>The id of a process that has ended (and been reaped): no process runs under it now.</summary>
    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 0"]))!;
        process.WaitForExit();
        return process.Id;
    }
}
