using SpladeFast.Ingest;
using SpladeFast.Run;

namespace SpladeFast.Eval;

/// <summary>Per-topic and mean values of the standard measures.</summary>
public sealed record Evaluation(
    IReadOnlyList<string> Measures,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> PerTopic,
    IReadOnlyDictionary<string, double> Mean,
    int Topics);

/// <summary>
/// trec_eval's measures with trec_eval's conventions: each topic's documents ordered by score descending, ties by
/// document id in descending (ordinal) string order, rank column and file order ignored; topics present in both
/// run and qrels are evaluated; relevance &gt;= <c>relevanceLevel</c> counts for binary measures; nDCG uses the
/// graded values as gains with log2 discounts; MRR@10 is reciprocal rank over the first 10 documents (MS MARCO).
/// </summary>
public static class TrecEvaluator
{
    /// <summary>The measures every evaluation reports, named as trec_eval names them (mrr@10 is MS MARCO's MRR cut at 10).</summary>
    public static readonly IReadOnlyList<string> MeasureNames =
        ["map", "recip_rank", "mrr@10", "ndcg_cut_10", "recall_10", "recall_100", "recall_1000"];

    /// <summary>Evaluates every topic found in both <paramref name="run"/> and <paramref name="qrels"/>.</summary>
    /// <exception cref="InputException">
    /// The run and the qrels share no topic (all-zero measures would hide mismatched topic ids), or a topic lists
    /// a document twice.
    /// </exception>
    public static Evaluation Evaluate(Dictionary<string, List<RunEntry>> run, Qrels qrels, string runPath, int relevanceLevel = 1)
    {
        var perTopic = new SortedDictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (topic, entries) in run)
        {
            if (!qrels.TryGet(topic, out var judgments))
                continue;
            perTopic[topic] = EvaluateTopic(Rank(entries, runPath), judgments, relevanceLevel);
        }
        if (perTopic.Count == 0)
        {
            throw new InputException(runPath, 0, $"shares no topic with {qrels.Path} (run topics e.g. {Examples(run.Keys)}; "
                + $"qrels topics e.g. {Examples(qrels.QueryIds)})");
        }
        var mean = MeasureNames.ToDictionary(m => m, m => perTopic.Values.Average(v => v[m]));
        return new Evaluation(MeasureNames, perTopic, mean, perTopic.Count);
    }

    private static string Examples(IEnumerable<string> topics) =>
        string.Join(", ", topics.Order(StringComparer.Ordinal).Take(3).Select(t => $"'{t}'"));

    private static List<string> Rank(List<RunEntry> entries, string runPath)
    {
        var sorted = entries.ToList();
        sorted.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(b.DocumentId, a.DocumentId));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in sorted)
        {
            if (!seen.Add(e.DocumentId))
                throw new InputException(runPath, 0, $"topic {e.QueryId} lists document {e.DocumentId} twice");
        }
        return sorted.Select(e => e.DocumentId).ToList();
    }

    private static Dictionary<string, double> EvaluateTopic(List<string> ranked, IReadOnlyDictionary<string, int> judgments, int relevanceLevel)
    {
        int relevantTotal = judgments.Values.Count(r => r >= relevanceLevel);
        double precisionSum = 0, reciprocalRank = 0, reciprocalRank10 = 0, dcg = 0;
        int relevantSeen = 0;
        var relevantAt = new Dictionary<int, int> { [10] = 0, [100] = 0, [1000] = 0 };
        for (int i = 0; i < ranked.Count; i++)
        {
            int rank = i + 1;
            int grade = judgments.GetValueOrDefault(ranked[i]);
            if (rank <= 10 && grade > 0)
                dcg += grade / Math.Log2(rank + 1);
            if (grade < relevanceLevel)
                continue;
            relevantSeen++;
            precisionSum += (double)relevantSeen / rank;
            if (reciprocalRank == 0)
            {
                reciprocalRank = 1.0 / rank;
                if (rank <= 10)
                    reciprocalRank10 = reciprocalRank;
            }
            foreach (int cut in relevantAt.Keys.ToArray())
            {
                if (rank <= cut)
                    relevantAt[cut]++;
            }
        }
        double idcg = judgments.Values.Where(g => g > 0).OrderDescending().Take(10).Select((g, i) => g / Math.Log2(i + 2)).Sum();
        double Ratio(double x) => relevantTotal == 0 ? 0 : x / relevantTotal;
        return new Dictionary<string, double>
        {
            ["map"] = Ratio(precisionSum),
            ["recip_rank"] = reciprocalRank,
            ["mrr@10"] = reciprocalRank10,
            ["ndcg_cut_10"] = idcg == 0 ? 0 : dcg / idcg,
            ["recall_10"] = Ratio(relevantAt[10]),
            ["recall_100"] = Ratio(relevantAt[100]),
            ["recall_1000"] = Ratio(relevantAt[1000]),
        };
    }
}
