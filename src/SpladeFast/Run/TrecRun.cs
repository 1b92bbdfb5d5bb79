using System.Globalization;
using SpladeFast.Format;
using SpladeFast.Ingest;

namespace SpladeFast.Run;

/// <summary>One line of a TREC run: <c>qid Q0 docid rank score tag</c>.</summary>
public readonly record struct RunEntry(string QueryId, string DocumentId, int Rank, double Score);

/// <summary>Reads and writes TREC run files.</summary>
public static class TrecRun
{
    /// <summary>
    /// One run line. Ids that would break it (<see cref="Identifiers"/>: whitespace, control characters; only an
    /// index built before ids were checked holds such) are an <see cref="InvalidDataException"/>, not a line of 7 fields.
    /// </summary>
    public static void WriteLine(TextWriter writer, string queryId, string documentId, int rank, double score, string tag) =>
        writer.Write($"{Identifiers.Writable(queryId, "query id", "a TREC run")} Q0 {Identifiers.Writable(documentId, "document id", "a TREC run")} {rank} {score.ToString("0.######", CultureInfo.InvariantCulture)} {tag}\n");

    /// <summary>
    /// Writes the hits of every query (best first), scores divided by <paramref name="scoreDivisor"/> to return to
    /// weight units. Written to a temporary name and renamed, so a failed run leaves no partial file.
    /// </summary>
    public static void Write(string path, IReadOnlyList<QueryVector> queries, IReadOnlyList<TopK.SearchHit[]> hits,
        Func<uint, string> documentId, double scoreDivisor, string tag)
    {
        if (Identifiers.Check(tag, "run tag") is { } badTag)
            throw new ArgumentException(badTag);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 20);
            for (int q = 0; q < queries.Count; q++)
            {
                for (int r = 0; r < hits[q].Length; r++)
                    WriteLine(writer, queries[q].Id, documentId(hits[q][r].DocId), r + 1, hits[q][r].Score / scoreDivisor, tag);
            }
            return queries.Count;
        });
    }

    /// <summary>Entries grouped by query id, in file order.</summary>
    /// <exception cref="InputException">A line is malformed, or the file holds no entry.</exception>
    public static Dictionary<string, List<RunEntry>> Read(string path)
    {
        var run = new Dictionary<string, List<RunEntry>>(StringComparer.Ordinal);
        foreach (var (lineNumber, line) in InputFiles.NumberedLines(path))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 6)
                throw new InputException(path, lineNumber, $"expected 6 fields 'qid Q0 docid rank score tag', found {fields.Length}");
            if (!int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int rank))
                throw new InputException(path, lineNumber, $"rank '{fields[3]}' is not an integer");
            if (!double.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out double score) || !double.IsFinite(score))
                throw new InputException(path, lineNumber, $"score '{fields[4]}' is not a finite number");
            if (!run.TryGetValue(fields[0], out var entries))
                run[fields[0]] = entries = [];
            entries.Add(new RunEntry(fields[0], fields[2], rank, score));
        }
        if (run.Count == 0)
            throw new InputException(path, 0, "no run lines (empty run file)");
        return run;
    }
}
