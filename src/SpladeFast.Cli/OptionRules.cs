using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SpladeFast.Cli;

/// <summary>
/// Number options read the same way in every command: a value that is not a number is an error naming the option
/// and the value (not .NET's type name), and each option's range is declared where the option is made.
/// </summary>
internal static class OptionRules
{
    /// <summary>Refuses values below <paramref name="minimum"/> with an error naming the option and the value.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.CustomParser = result => TryParse<int>(result, option.Name, "a whole number", int.TryParse, out int value) && value < minimum
            ? Refuse<int>(result, $"{option.Name} must be at least {minimum}, not {value}")
            : value;
        return option;
    }

    /// <summary>Refuses negative values (and infinities).</summary>
    public static Option<double> AtLeastZero(this Option<double> option)
    {
        option.CustomParser = result => TryParse<double>(result, option.Name, "a number", double.TryParse, out double value) && !(value >= 0 && double.IsFinite(value))
            ? Refuse<double>(result, $"{option.Name} must be a number of at least 0, not {result.Tokens[^1].Value}")
            : value;
        return option;
    }

    private static T Refuse<T>(ArgumentResult result, string error)
    {
        result.AddError(error);
        return default!;
    }

    /// <summary>
    /// Checks an output file when the command line is parsed, before any work: not a directory, and its directory
    /// (or the nearest one that exists, as missing ones are created) can be written.
    /// </summary>
    public static Option<T> WritableFile<T>(this Option<T> option) where T : FileSystemInfo? =>
        option.WithPathCheck(path => Directory.Exists(path) ? $"{option.Name} {path} is a directory; give a file path" : WritableDirectoryError(option.Name, Path.GetDirectoryName(path)));

    /// <summary>Checks an output path prefix (PREFIX.docs, ...) like <see cref="WritableFile{T}"/>.</summary>
    public static Option<string> WritablePrefix(this Option<string> option) =>
        option.WithPathCheck(path => Directory.Exists(path) ? $"{option.Name} {path} is a directory; give a path prefix" : WritableDirectoryError(option.Name, Path.GetDirectoryName(path)));

    /// <summary>Checks an output directory when the command line is parsed: not a file, and writable.</summary>
    public static Option<T> WritableDirectory<T>(this Option<T> option) where T : FileSystemInfo? =>
        option.WithPathCheck(path => File.Exists(path) ? $"{option.Name} {path} is a file; give a directory" : WritableDirectoryError(option.Name, path));

    private static Option<T> WithPathCheck<T>(this Option<T> option, Func<string, string?> error)
    {
        option.Validators.Add(result =>
        {
            string? path = result.GetValueOrDefault<T>() switch
            {
                FileSystemInfo info => info.FullName,
                string text => Path.GetFullPath(text),
                _ => null,
            };
            if (path is not null && error(path) is { } message)
                result.AddError(message);
        });
        return option;
    }

    private static string? WritableDirectoryError(string option, string? directory)
    {
        directory = Path.GetFullPath(string.IsNullOrEmpty(directory) ? "." : directory);
        while (!Directory.Exists(directory))
        {
            if (File.Exists(directory))
                return $"{option}: {directory} is a file, so nothing can be written under it";
            directory = Path.GetDirectoryName(directory) ?? "/";
        }
        try
        {
            using var probe = new FileStream(Path.Combine(directory, $".splade-fast-write-check-{Environment.ProcessId}"), FileMode.CreateNew,
                FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{option}: cannot write in {directory} ({e.Message})";
        }
    }

    /// <summary>Gives every integer and floating-point option of the tree a parser with a readable error.</summary>
    public static void ParseNumbersReadably(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<int> whole when whole.CustomParser is null:
                    whole.CustomParser = result => Parsed<int>(result, whole.Name, "a whole number", int.TryParse);
                    break;
                case Option<int?> optionalWhole when optionalWhole.CustomParser is null:
                    optionalWhole.CustomParser = result => result.Tokens.Count == 0 ? null : Parsed<int>(result, optionalWhole.Name, "a whole number", int.TryParse);
                    break;
                case Option<double> number when number.CustomParser is null:
                    number.CustomParser = result => Parsed<double>(result, number.Name, "a number", double.TryParse);
                    break;
                case Option<double?> optionalNumber when optionalNumber.CustomParser is null:
                    optionalNumber.CustomParser = result => result.Tokens.Count == 0 ? null : Parsed<double>(result, optionalNumber.Name, "a number", double.TryParse);
                    break;
            }
        }
        foreach (var subcommand in command.Subcommands)
            ParseNumbersReadably(subcommand);
    }

    private delegate bool NumberParser<T>(string text, NumberStyles styles, IFormatProvider provider, out T value);

    private static T Parsed<T>(ArgumentResult result, string name, string what, NumberParser<T> parser) =>
        TryParse(result, name, what, parser, out T value) ? value : default!;

    /// <summary>False, with an error naming the option and the text, when the last token is not a number.</summary>
    private static bool TryParse<T>(ArgumentResult result, string name, string what, NumberParser<T> parser, out T value)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        var styles = typeof(T) == typeof(int) ? NumberStyles.AllowLeadingSign : NumberStyles.Float;
        if (parser(text, styles, CultureInfo.InvariantCulture, out value))
            return true;
        result.AddError($"{name} takes {what}, not '{text}'");
        return false;
    }
}
