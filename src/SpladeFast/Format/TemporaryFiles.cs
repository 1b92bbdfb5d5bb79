using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SpladeFast.Format;

/// <summary>
/// Names the temporary files written beside an output <c>OUTPUT.tmp-PID</c> or <c>OUTPUT.tmp-PID-SUFFIX</c>, with
/// the writing process's id, so that a later writer of the same output can tell the leftovers of a dead writer (a
/// build killed with SIGKILL deletes nothing) from the files of a live concurrent one.
/// </summary>
public static class TemporaryFiles
{
    /// <summary>A temporary name beside <paramref name="outputPath"/> owned by this process.</summary>
    /// <param name="suffix">Tells apart several temporary files of one output in one process.</param>
    /// <param name="outputPath">The file the temporary one will become (relative paths are made absolute).</param>
    public static string For(string outputPath, string? suffix = null) =>
        $"{Path.GetFullPath(outputPath)}.tmp-{Environment.ProcessId}" + (suffix is null ? "" : $"-{suffix}");

    /// <summary>
    /// A temporary name for a new writer of <paramref name="outputPath"/>, after removing what dead writers of it left
    /// (<see cref="RemoveStale"/>): how every writer of an output starts.
    /// </summary>
    public static string Claim(string outputPath, string? suffix = null)
    {
        RemoveStale(outputPath);
        return For(outputPath, suffix);
    }

    /// <summary>
    /// Deletes the temporary files and folders of <paramref name="outputPath"/> (and those of its temporary files)
    /// whose process no longer runs. Those of running processes stay, whoever they are: a process id reused since
    /// keeps a dead writer's file until that process ends too.
    /// </summary>
    public static void RemoveStale(string outputPath)
    {
        string full = Path.GetFullPath(outputPath);
        string directory = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        if (!Directory.Exists(directory))
            return;
        var pattern = new Regex($"^{Regex.Escape(name)}\\.tmp-(?<pid>[0-9]{{1,9}})(?:[-.].*)?$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        foreach (string file in Directory.EnumerateFileSystemEntries(directory, $"{name}.tmp-*"))
        {
            var match = pattern.Match(Path.GetFileName(file));
            if (!match.Success || IsRunning(int.Parse(match.Groups["pid"].ValueSpan, CultureInfo.InvariantCulture)))
                continue;
            try
            {
                if (Directory.Exists(file))
                {
                    Directory.Delete(file, recursive: true);
                }
                else
                {
                    // Writers hold their files locked (FileShare.None): one that opens here is not being written,
                    // which also spares a live writer on another machine sharing the folder, whose pid means nothing here.
                    using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                    {
                    }
                    File.Delete(file);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover never opens as an output, it only takes space; the build goes on.
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        if (processId == Environment.ProcessId)
            return true;
        try
        {
            Process.GetProcessById(processId).Dispose();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
