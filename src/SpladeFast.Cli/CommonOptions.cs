using System.CommandLine;
using SpladeFast.Algorithms;

namespace SpladeFast.Cli;

/// <summary>Options shared by several commands, defined once so names and help read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Index(string description = "Index file.") =>
        new("--index", "-i") { Description = description, Required = true };

    public static Option<bool> SkipBad() =>
        new("--skip-bad") { Description = "Skip bad records (and unknown query tokens) and report how many, instead of failing on the first." };

    public static Option<int> Threads() =>
        new("--threads", "-t") { Description = "Threads answering queries in parallel (one query per thread).", DefaultValueFactory = _ => 1 };

    public static Option<int> K(int defaultK = 1000) =>
        new("--k", "-k") { Description = "Number of results per query.", DefaultValueFactory = _ => defaultK };

    public static Option<string> Algorithm() =>
        new Option<string>("--algorithm", "-a")
        {
            Description = "Query algorithm: " + string.Join(", ", SearchAlgorithms.All.Select(a => $"{a.Name} ({a.Summary})")) + ".",
            DefaultValueFactory = _ => "ranked_or",
        }.AcceptOnlyFromAmong([.. SearchAlgorithms.Names]);

    public static Option<bool> InMemory() =>
        new("--in-memory") { Description = "Copy the index into memory instead of memory-mapping it (no page faults while timing)." };

    public static Option<bool> NoVerify() =>
        new("--no-verify") { Description = "Skip verifying section checksums when opening (structure is still checked)." };

    public static Option<string> Report() =>
        new Option<string>("--report") { Description = "Latency report format.", DefaultValueFactory = _ => "md" }.AcceptOnlyFromAmong("md", "json");
}
