using System.Text;
using SpladeFast.Format;
using SpladeFast.Ingest;

namespace SpladeFast.Interop.Vectors;

/// <summary>
/// Anserini's pre-encoded query TSV: <c>qid&lt;TAB&gt;tok tok ...</c>, a token repeated once per unit of its integer
/// weight. Reading gives weight = count / scale; writing repeats each token round(weight x scale) times.
/// </summary>
public static class QueryTsvFile
{
    /// <summary>Reads each line's query: weight = token count / <paramref name="scale"/>.</summary>
    /// <exception cref="InputException">A malformed line (naming the file and line).</exception>
    public static IEnumerable<SparseVectorRecord> Read(string path, double scale)
    {
        foreach (var (lineNumber, line) in InputFiles.NumberedLines(path))
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
                throw new InputException(path, lineNumber, "expected qid<TAB>tokens");
            string id = line[..tab].Trim();
            if (Identifiers.Check(id, "query id") is { } badId)
                throw new InputException(path, lineNumber, badId);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string token in line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Identifiers.Check(token, "token") is { } badToken)
                    throw new InputException(path, lineNumber, badToken);
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
            yield return new SparseVectorRecord(id, [.. counts.Keys], counts.Values.Select(c => (float)(c / scale)).ToArray());
        }
    }

    /// <summary>Writes each record with its tokens repeated round(weight x <paramref name="scale"/>) times; returns how many.</summary>
    public static long Write(string path, IEnumerable<SparseVectorRecord> records, double scale) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            long count = 0;
            var line = new StringBuilder();
            foreach (var record in records)
            {
                line.Clear().Append(record.Id).Append('\t');
                bool first = true;
                for (int i = 0; i < record.Tokens.Length; i++)
                {
                    if (!Quantize.QueryWeights.TryQuantize(record.Weights[i], scale, out uint repeats))
                        throw new InvalidOperationException($"query '{record.Id}': {Quantize.QueryWeights.OutOfRange(record.Tokens[i], record.Weights[i], scale)}");
                    if (repeats > Quantize.QueryWeights.MaxRepeats)
                        throw new InvalidOperationException(Quantize.QueryWeights.TooManyRepeats(record.Id, record.Tokens[i], repeats));
                    for (uint r = 0; r < repeats; r++)
                    {
                        line.Append(first ? "" : " ").Append(record.Tokens[i]);
                        first = false;
                    }
                }
                writer.Write(line.Append('\n'));
                count++;
            }
            return count;
        });
}
