namespace SpladeFast.Format;

/// <summary>The index file is truncated, corrupted or not an index: never trusted, always reported.</summary>
public sealed class IndexCorruptException : Exception
{
    /// <summary>The message reads "PATH: corrupt or unreadable index: MESSAGE".</summary>
    /// <param name="path">The index file, named first in the message.</param>
    /// <param name="message">What is wrong, and where in the file.</param>
    public IndexCorruptException(string path, string message)
        : base($"{path}: corrupt or unreadable index: {message}") => FilePath = path;

    /// <summary>The index file the error is about.</summary>
    public string FilePath { get; }
}
