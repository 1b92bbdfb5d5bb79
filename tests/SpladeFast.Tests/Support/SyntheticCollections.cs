using System.Collections.Concurrent;
using SpladeFast.Synthetic;

namespace SpladeFast.Tests.Support;

/// <summary>
/// Synthetic collections made once per test run and shared by every test that asks for the same one; tests read
/// them and write their indexes elsewhere. Removed when the test process ends.
/// </summary>
public static class SyntheticCollections
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "splade-fast-tests", $"synth-{Environment.ProcessId}");
    private static readonly ConcurrentDictionary<(int Documents, int Queries, int Seed), Lazy<SynthReport>> Made = new();

    static SyntheticCollections() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    };

    public static SynthReport Get(int documents, int queries, int seed) =>
        Made.GetOrAdd((documents, queries, seed), key => new Lazy<SynthReport>(() =>
            new SyntheticCollection(new SynthOptions { Documents = key.Documents, Queries = key.Queries, Seed = key.Seed })
                .Write(Path.Combine(Root, $"{key.Documents}-{key.Queries}-{key.Seed}")))).Value;
}
