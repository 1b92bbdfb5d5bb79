namespace SpladeFast.Ingest;

/// <summary>Bad input, located by file and line so the user can fix it.</summary>
public sealed class InputException : Exception
{
    public InputException(string path, long line, string message)
        : base(line > 0 ? $"{path}:{line}: {message}" : $"{path}: {message}")
    {
        FilePath = path;
        Line = line;
        Reason = message;
    }

    public string FilePath { get; }
    public long Line { get; }
    public string Reason { get; }
}
