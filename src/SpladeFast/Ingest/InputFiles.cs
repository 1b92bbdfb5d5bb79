using System.IO.Compression;

namespace SpladeFast.Ingest;

/// <summary>Opens inputs transparently whether plain or gzip-compressed (detected by magic bytes).</summary>
public static class InputFiles
{
    public static Stream Open(string path, out FileStream file)
    {
        if (!File.Exists(path))
            throw new InputException(path, 0, "file not found");
        file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b
            ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16)
            : file;
    }

    /// <summary>The non-blank lines of a text file (plain or gzip), each with its 1-based line number for errors.</summary>
    public static IEnumerable<(long Number, string Text)> NumberedLines(string path)
    {
        using var reader = new StreamReader(Open(path, out _));
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
                yield return (number, line);
        }
    }

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
