using SpladeFast.Encoders.Tokenization;

namespace SpladeFast.Encoders.Lexical;

/// <summary>
/// BM25 as a document encoder over WordPiece tokens, so any text collection can be indexed without neural
/// weights: w(t, d) = idf(t) x tf (k1 + 1) / (tf + k1 (1 - b + b |d| / avgdl)), with Lucene's
/// idf = ln(1 + (N - df + 0.5) / (df + 0.5)). Queries then weigh each token by its count
/// (<see cref="TokenCountEncoder"/>), so the score is the BM25 sum. Collection statistics come from
/// <see cref="Fit"/>, a first pass over the corpus.
/// </summary>
public sealed class Bm25DocumentEncoder(SpladeTokenizer tokenizer, double k1 = 0.9, double b = 0.4) : ITextEncoder
{
    private int[] _documentFrequency = new int[tokenizer.VocabularySize];
    private long _documents;
    private long _totalLength;

    /// <inheritdoc/>
    public string Name => $"bm25(k1={k1}, b={b})";
    /// <inheritdoc/>
    public SpladeTokenizer Tokenizer => tokenizer;
    /// <summary>Documents counted by <see cref="Fit"/>.</summary>
    public long Documents => _documents;

    /// <summary>Counts document frequencies and lengths; call once per text of the collection before encoding.</summary>
    public void Fit(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            var tokens = tokenizer.WordPieces(text);
            _documents++;
            _totalLength += tokens.Count;
            foreach (int t in tokens.Distinct())
                _documentFrequency[t]++;
        }
    }

    /// <inheritdoc/>
    public SparseTermVector[] Encode(IReadOnlyList<string> texts)
    {
        if (_documents == 0)
            throw new InvalidOperationException("BM25 needs collection statistics: call Fit on the collection first.");
        double averageLength = (double)_totalLength / _documents;
        return texts.Select(text =>
        {
            var tokens = tokenizer.WordPieces(text);
            var counts = tokens.GroupBy(t => t).OrderBy(g => g.Key).ToArray();
            var weights = new float[counts.Length];
            for (int i = 0; i < counts.Length; i++)
            {
                int df = Math.Max(1, _documentFrequency[counts[i].Key]);
                double idf = Math.Log(1 + (_documents - df + 0.5) / (df + 0.5));
                double tf = counts[i].Count();
                weights[i] = (float)(idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * tokens.Count / averageLength)));
            }
            return new SparseTermVector(counts.Select(g => g.Key).ToArray(), weights);
        }).ToArray();
    }

    /// <summary>Drops the collection statistics.</summary>
    public void Dispose() => _documentFrequency = [];
}
