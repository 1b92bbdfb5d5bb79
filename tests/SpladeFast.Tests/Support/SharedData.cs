namespace SpladeFast.Tests.Support;

/// <summary>
/// Finds ../shared beside the checkout (CI and developers have it; a user's clone may not). Tests that need it
/// are skipped with the reason when it is absent.
/// </summary>
public static class SharedData
{
    public static string? Root { get; } = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("SPLADEFAST_SHARED") is { Length: > 0 } fromEnvironment && Directory.Exists(fromEnvironment))
            return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpladeFast.sln")))
            {
                string shared = Path.Combine(dir.Parent?.FullName ?? "", "shared");
                return Directory.Exists(shared) ? shared : null;
            }
        }
        return null;
    }

    /// <summary>The path of a shared file, or a skip naming what is missing.</summary>
    public static string Require(string relative)
    {
        Skip.If(Root is null, "../shared is not beside this checkout (it holds licensed test data that is not part of the project)");
        string path = Path.Combine(Root!, relative);
        Skip.IfNot(File.Exists(path) || Directory.Exists(path), $"../shared/{relative} is missing");
        return path;
    }
}
