using System.Text;

namespace SpladeFast.Ingest;

/// <summary>
/// Reads queries as Anserini's pre-encoded TSV (<c>qid&lt;TAB&gt;tok tok ...</c>, each repeat adds 1 to the
/// token's weight) or as JSONL <c>{"id", "vector"}</c> with float weights (quantized x <c>floatScale</c>).
/// The format is chosen by the first non-blank character of the file: '{' means JSONL.
/// </summary>
public static class QueryReader
{
    /// <summary>Reads every query of <paramref name="path"/>, its tokens mapped to term ids of <paramref name="vocabulary"/>.</summary>
    /// <param name="path">Anserini TSV or JSONL (see the type); named in every error.</param>
    /// <param name="vocabulary">The index's vocabulary; a token it lacks is an error, or with <paramref name="skipBad"/> skipped and counted.</param>
    /// <param name="skipBad">Skip malformed queries (counted in the result) instead of failing.</param>
    /// <param name="floatScale">JSONL weights are multiplied by it and rounded (TSV weights are token counts).</param>
    /// <exception cref="InputException">A malformed line (naming the file and line), or no queries at all.</exception>
    public static QuerySet Read(string path, Vocabulary vocabulary, bool skipBad = false, double floatScale = Quantize.QueryWeights.DefaultFloatScale)
    {
        using var reader = new Utf8LineReader(path);
        var queries = new List<QueryVector>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var weights = new Dictionary<int, double>();
        var parsed = new ParsedVector();
        long skippedTokens = 0, skippedQueries = 0;
        bool? json = null;
        while (reader.TryReadLine(out var line))
        {
            if (line.Trim((byte)' ').IsEmpty)
                continue;
            json ??= line.TrimStart((byte)' ')[0] == (byte)'{';
            weights.Clear();
            string id;
            string? error;
            if (json.Value)
            {
                error = ParseJson(line, parsed, vocabulary, weights, floatScale, skipBad, ref skippedTokens);
                id = parsed.Id;
            }
            else
            {
                error = ParseTsv(line, vocabulary, weights, skipBad, ref skippedTokens, out id);
            }
            if (error is null && !ids.Add(id))
                error = $"duplicate query id '{id}'";
            if (error is not null)
            {
                if (!skipBad)
                    throw new InputException(path, reader.LineNumber, error);
                skippedQueries++;
                continue;
            }
            queries.Add(Quantized(id, weights, json.Value ? floatScale : 1));
        }
        if (queries.Count == 0)
            throw new InputException(path, 0, skippedQueries == 0 ? "no queries (empty file)" : $"no queries left after skipping {skippedQueries} bad ones");
        return new QuerySet(queries, json == true ? floatScale : 1, skippedTokens, skippedQueries);
    }

    /// <summary>A query from term weights: weights x <paramref name="scale"/>, rounded; zeros dropped.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A weight falls outside <see cref="Quantize.QueryWeights"/>' range.</exception>
    public static QueryVector Quantized(string id, IReadOnlyDictionary<int, double> weights, double scale) =>
        new(id, weights
            .Select(w => new QueryTerm(w.Key, Quantize.QueryWeights.TryQuantize(w.Value, scale, out uint weight) ? weight
                : throw new ArgumentOutOfRangeException(nameof(weights), Quantize.QueryWeights.OutOfRange($"#{w.Key}", w.Value, scale))))
            .Where(t => t.Weight > 0)
            .OrderBy(t => t.TermId)
            .ToArray());

    private static string? ParseJson(ReadOnlySpan<byte> line, ParsedVector parsed, Vocabulary vocabulary,
        Dictionary<int, double> weights, double scale, bool skipBad, ref long skippedTokens)
    {
        if (JsonVectorParser.TryParse(line, parsed) is { } error)
            return error;
        for (int i = 0; i < parsed.Count; i++)
        {
            if (!Quantize.QueryWeights.TryQuantize(parsed.Weight(i), scale, out _))
                return Quantize.QueryWeights.OutOfRange(parsed.Token(i), parsed.Weight(i), scale);
            if (!vocabulary.TryGetId(parsed.Token(i), out int id))
            {
                if (!skipBad)
                    return $"unknown query token '{parsed.Token(i)}'";
                skippedTokens++;
                continue;
            }
            weights[id] = parsed.Weight(i);
        }
        return null;
    }

    private static string? ParseTsv(ReadOnlySpan<byte> line, Vocabulary vocabulary, Dictionary<int, double> weights,
        bool skipBad, ref long skippedTokens, out string id)
    {
        int tab = line.IndexOf((byte)'\t');
        id = Encoding.UTF8.GetString(tab < 0 ? line : line[..tab]).Trim();
        if (tab < 0)
            return "expected 'qid<TAB>tokens'";
        if (Identifiers.Check(id, "query id") is { } badId)
            return badId;
        Span<char> token = stackalloc char[256];
        foreach (var range in line[(tab + 1)..].Split((byte)' '))
        {
            var bytes = line[(tab + 1)..][range];
            if (bytes.IsEmpty)
                continue;
            if (bytes.Length > token.Length)
                return "token longer than 256 bytes";
            int length = Encoding.UTF8.GetChars(bytes, token);
            if (Identifiers.Check(token[..length], "token") is { } badToken)
                return badToken;
            if (!vocabulary.TryGetId(token[..length], out int termId))
            {
                if (!skipBad)
                    return $"unknown query token '{token[..length]}'";
                skippedTokens++;
                continue;
            }
            weights[termId] = weights.GetValueOrDefault(termId) + 1;
        }
        return null;
    }
}
