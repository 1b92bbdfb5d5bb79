using SpladeFast.Ingest;
using SpladeFast.Quantize;
using SpladeFast.TopK;

namespace SpladeFast.Tests.Support;

/// <summary>The simplest possible search: score every document from its raw vector, sort, cut at k.</summary>
public static class BruteForce
{
    public static SearchHit[] Search(IReadOnlyList<TestDocument> documents, Func<string, int> termId, QueryVector query, int k, ImpactQuantizer quantizer)
    {
        var hits = new List<SearchHit>();
        for (int d = 0; d < documents.Count; d++)
        {
            long score = 0;
            foreach (var (token, weight) in documents[d].Vector)
            {
                quantizer.TryQuantize(weight, out uint impact);
                int term = termId(token);
                foreach (var q in query.Terms)
                {
                    if (q.TermId == term)
                        score += (long)q.Weight * impact;
                }
            }
            if (score > 0)
                hits.Add(new SearchHit((uint)d, score));
        }
        hits.Sort(SearchHit.Compare);
        return hits.Take(k).ToArray();
    }
}
