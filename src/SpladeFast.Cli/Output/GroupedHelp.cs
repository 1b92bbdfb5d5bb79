using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text;

namespace SpladeFast.Cli.Output;

/// <summary>
/// Help that lists options in groups (model, BM25, text queries, approximate search) under their own headings, so
/// a command with many options reads by purpose; options without a group come first under "Options:".
/// System.CommandLine lays the help out (its layout API is not public); this regroups the rows it wrote.
/// </summary>
internal static class GroupedHelp
{
    private static readonly ConditionalWeakTable<Option, string> Groups = [];

    /// <summary>Lists the option under "<paramref name="group"/> options:" in help.</summary>
    public static T InGroup<T>(this T option, string group) where T : Option
    {
        Groups.AddOrUpdate(option, group);
        return option;
    }

    /// <summary>The help text with the rows of the "Options:" section regrouped; other sections unchanged.</summary>
    public static string Regroup(string help, Command command)
    {
        var lines = help.Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == "Options:");
        if (start < 0)
            return help;
        int end = start + 1;
        var rows = new List<(string Group, List<string> Lines)>();
        for (; end < lines.Length && lines[end].StartsWith("  ", StringComparison.Ordinal); end++)
        {
            // A row starts at column 2; its wrapped description lines are indented further.
            if (lines[end].Length > 2 && lines[end][2] != ' ')
                rows.Add((GroupOf(lines[end], command), []));
            if (rows.Count > 0)
                rows[^1].Lines.Add(lines[end]);
        }
        var text = new StringBuilder();
        foreach (string line in lines[..start])
            text.Append(line).Append('\n');
        bool first = true;
        foreach (var group in rows.GroupBy(r => r.Group).OrderBy(g => g.Key.Length > 0))
        {
            text.Append(first ? "" : "\n").Append(group.Key.Length == 0 ? "Options:" : $"{group.Key} options:").Append('\n');
            foreach (var line in group.SelectMany(r => r.Lines))
                text.Append(line).Append('\n');
            first = false;
        }
        text.AppendJoin('\n', lines[end..]);
        return text.ToString();
    }

    private static string GroupOf(string row, Command command)
    {
        string firstColumn = row.Trim().Split("  ")[0];
        var names = firstColumn.Split(", ").Select(n => n.Split(' ')[0]);
        var option = command.Options.FirstOrDefault(o => names.Contains(o.Name) || o.Aliases.Any(names.Contains));
        return option is not null && Groups.TryGetValue(option, out var group) ? group : "";
    }
}
