using SpladeFast.Ingest;

namespace SpladeFast.Interop.Vectors;

/// <summary>Anserini JsonVectorCollection files, plain or gzip.</summary>
public static class JsonVectorFile
{
    /// <summary>Reads every line's id and vector.</summary>
    /// <exception cref="InputException">A malformed line (naming the file and line).</exception>
    public static IEnumerable<SparseVectorRecord> Read(string path)
    {
        using var reader = new Utf8LineReader(path);
        var parsed = new ParsedVector();
        while (reader.TryReadLine(out var line))
        {
            if (line.Trim((byte)' ').IsEmpty)
                continue;
            if (JsonVectorParser.TryParse(line, parsed) is { } error)
                throw new InputException(path, reader.LineNumber, error);
            var tokens = new string[parsed.Count];
            var weights = new float[parsed.Count];
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = parsed.Token(i).ToString();
                weights[i] = (float)parsed.Weight(i);
            }
            yield return new SparseVectorRecord(parsed.Id, tokens, weights);
        }
    }

    /// <summary>Writes one line per record (atomically: temporary name, then rename); returns how many.</summary>
    public static long Write(string path, IEnumerable<SparseVectorRecord> records)
    {
        using var writer = new JsonVectorWriter(path);
        foreach (var record in records)
            writer.Write(record.Id, record.Tokens.Zip(record.Weights));
        writer.Commit();
        return writer.Count;
    }
}
