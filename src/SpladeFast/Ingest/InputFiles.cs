using System.Text;

namespace SpladeFast.Ingest;

/// <summary>
/// Opens inputs transparently whether plain or gzip-compressed, recognised by the magic bytes (1f 8b) whatever the
/// name; a gzip file that ends early is an error (<see cref="CheckedGzipStream"/>). Text is read through
/// <see cref="Utf8LineReader"/>, which also skips a byte order mark and refuses invalid UTF-8; <see cref="Open"/>
/// alone is for binary inputs (CIFF, PISA).
/// </summary>
public static class InputFiles
{
    /// <summary>Opens <paramref name="path"/> for reading, decompressing gzip.</summary>
    /// <param name="path">A plain or gzip file.</param>
    /// <param name="file">The file itself, for progress by compressed position.</param>
    /// <returns>The content stream (the file, or a checked gzip stream over it); disposing it closes the file.</returns>
    /// <exception cref="InputException">The path is a directory or does not exist.</exception>
    public static Stream Open(string path, out FileStream file)
    {
        if (Directory.Exists(path))
            throw new InputException(path, 0, "is a directory; give a file");
        if (!File.Exists(path))
            throw new InputException(path, 0, "file not found");
        file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return IsGzip(file)
            ? new BufferedStream(new CheckedGzipStream(path, file), 1 << 16)
            : file;
    }

    /// <summary>The file's size in bytes, through symbolic links (<see cref="FileInfo.Length"/> gives a link's own).</summary>
    public static long Length(string path)
    {
        using var handle = File.OpenHandle(path);
        return RandomAccess.GetLength(handle);
    }

    /// <summary>Whether the file starts with gzip's magic bytes; leaves it at the start.</summary>
    public static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>The non-blank lines of a text file, each with its 1-based line number for errors.</summary>
    public static IEnumerable<(long Number, string Text)> NumberedLines(string path)
    {
        using var reader = new Utf8LineReader(path);
        while (reader.TryReadLine(out var line))
        {
            string text = Encoding.UTF8.GetString(line);
            if (!string.IsNullOrWhiteSpace(text))
                yield return (reader.LineNumber, text);
        }
    }

    /// <summary>Every line of a text file, blank ones too (line n is entry n - 1 of a lexicon).</summary>
    public static List<string> ReadAllLines(string path)
    {
        var lines = new List<string>();
        using var reader = new Utf8LineReader(path);
        while (reader.TryReadLine(out var line))
            lines.Add(Encoding.UTF8.GetString(line));
        return lines;
    }

    /// <summary>A whole text file (a config), lines joined by LF, so a parser's line numbers are the file's.</summary>
    public static string ReadAllText(string path) => string.Join('\n', ReadAllLines(path));

    /// <summary>Expands directories (all files inside, sorted by name, as Anserini collections) into files.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
                files.AddRange(Directory.GetFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal));
            else if (File.Exists(path))
                files.Add(path);
            else
                throw new InputException(path, 0, "no such file or directory");
        }
        return files;
    }
}
