namespace SpladeFast.Ingest;

/// <summary>Bad input, located by file and line so the user can fix it.</summary>
public sealed class InputException : Exception
{
    /// <summary>The message reads "PATH:LINE: MESSAGE", or "PATH: MESSAGE" for a whole-file error.</summary>
    /// <param name="path">The input file.</param>
    /// <param name="line">Its 1-based line, or 0 for the whole file.</param>
    /// <param name="message">What is wrong.</param>
    public InputException(string path, long line, string message)
        : base(line > 0 ? $"{path}:{line}: {message}" : $"{path}: {message}")
    {
        FilePath = path;
        Line = line;
        Reason = message;
    }

    /// <summary>The input file.</summary>
    public string FilePath { get; }
    /// <summary>The 1-based line, or 0 for the whole file.</summary>
    public long Line { get; }
    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }
}
