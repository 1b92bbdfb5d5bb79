using System.Globalization;
using SpladeFast.Ingest;

namespace SpladeFast.Eval;

/// <summary>
/// Relevance judgments: TREC <c>qid iter docid rel</c>, or BEIR's TSV <c>query-id corpus-id score</c>
/// (a header line is recognised and skipped). A pair judged twice alike counts once; judged twice differently, it is
/// an error, as the file cannot say which judgment holds.
/// </summary>
public sealed class Qrels
{
    private readonly Dictionary<string, Dictionary<string, int>> _judgments;

    private Qrels(string path, Dictionary<string, Dictionary<string, int>> judgments)
    {
        Path = path;
        _judgments = judgments;
    }

    /// <summary>The file the judgments came from, for messages.</summary>
    public string Path { get; }

    /// <summary>The judged query ids.</summary>
    public IReadOnlyCollection<string> QueryIds => _judgments.Keys;

    /// <summary>The judgments of <paramref name="queryId"/>: document id to grade.</summary>
    /// <exception cref="KeyNotFoundException">The query has no judgment.</exception>
    public IReadOnlyDictionary<string, int> this[string queryId] => _judgments[queryId];

    /// <summary>The judgments of <paramref name="queryId"/>, if it has any.</summary>
    public bool TryGet(string queryId, out IReadOnlyDictionary<string, int> judgments)
    {
        bool found = _judgments.TryGetValue(queryId, out var map);
        judgments = map!;
        return found;
    }

    /// <summary>Reads every judgment of <paramref name="path"/>.</summary>
    /// <param name="grades">Maps a file's grades to gains (e.g. Cranfield's 1 = best ... 4 = least, -1 = none).</param>
    /// <param name="listedAreRelevant">
    /// Every listed pair is relevant, grade 1, whatever the other columns say (CISI.REL: qid docid 0 0.0).
    /// </param>
    /// <exception cref="InputException">
    /// A line is malformed, a pair is judged twice with different grades (both lines named), or the file holds no judgment.
    /// </exception>
    /// <param name="path">A qrels file, TREC or BEIR TSV (see the type).</param>
    public static Qrels Load(string path, IReadOnlyDictionary<int, int>? grades = null, bool listedAreRelevant = false)
    {
        var judgments = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var judgedAt = new Dictionary<(string Query, string Doc), (int Grade, long Line)>();
        foreach (var (lineNumber, line) in Ingest.InputFiles.NumberedLines(path))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (lineNumber == 1 && fields.Length == 3 && !int.TryParse(fields[2], out _))
                continue;
            (string query, string doc, string rel) = fields.Length switch
            {
                >= 2 when listedAreRelevant => (fields[0], fields[1], "1"),
                4 => (fields[0], fields[2], fields[3]),
                3 => (fields[0], fields[1], fields[2]),
                _ => throw new InputException(path, lineNumber, "expected 'qid iter docid rel' or 'qid docid rel'"),
            };
            if (!int.TryParse(rel, NumberStyles.Integer, CultureInfo.InvariantCulture, out int relevance))
                throw new InputException(path, lineNumber, $"relevance '{rel}' is not an integer");
            if (judgedAt.TryGetValue((query, doc), out var first))
            {
                if (first.Grade != relevance)
                    throw new InputException(path, lineNumber, $"topic {query} document {doc} judged {relevance} here but {first.Grade} at {path}:{first.Line}");
                continue;
            }
            judgedAt[(query, doc)] = (relevance, lineNumber);
            if (grades is not null && !grades.TryGetValue(relevance, out relevance))
                throw new InputException(path, lineNumber, $"grade {rel} has no gain in the grade map");
            if (!judgments.TryGetValue(query, out var docs))
                judgments[query] = docs = new Dictionary<string, int>(StringComparer.Ordinal);
            docs[doc] = relevance;
        }
        if (judgments.Count == 0)
            throw new InputException(path, 0, "no judgments (empty qrels file)");
        return new Qrels(path, judgments);
    }
}
