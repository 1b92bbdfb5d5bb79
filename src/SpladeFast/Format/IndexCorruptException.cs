namespace SpladeFast.Format;

/// <summary>The index file is truncated, corrupted or not an index: never trusted, always reported.</summary>
public sealed class IndexCorruptException : Exception
{
    public IndexCorruptException(string path, string message)
        : base($"{path}: corrupt or unreadable index: {message}") => FilePath = path;

    public string FilePath { get; }
}
