using SpladeFast.Ingest;

namespace SpladeFast.Encoders;

/// <summary>Turns encoder output into engine queries over an index's vocabulary (matched by token string).</summary>
public static class EncodedQueries
{
    /// <summary>Float weights multiplied by this before rounding, as for JSONL query vectors.</summary>
    public const double WeightScale = Quantize.QueryWeights.DefaultFloatScale;

    /// <summary>An engine query from an encoder's vector: tokens the index lacks are left out, weights x <see cref="WeightScale"/>, rounded.</summary>
    /// <param name="id">The query id.</param>
    /// <param name="vector">The encoder's output.</param>
    /// <param name="modelTokens">The encoder's tokens by id.</param>
    /// <param name="indexVocabulary">The index's vocabulary, matched by token string.</param>
    /// <exception cref="ArgumentOutOfRangeException">A weight outside the query weight range after scaling.</exception>
    public static QueryVector ToQuery(string id, SparseTermVector vector, IReadOnlyList<string> modelTokens, Vocabulary indexVocabulary)
    {
        var weights = new Dictionary<int, double>();
        for (int i = 0; i < vector.Terms.Length; i++)
        {
            if (indexVocabulary.TryGetId(modelTokens[vector.Terms[i]], out int term))
                weights[term] = weights.GetValueOrDefault(term) + vector.Weights[i];
        }
        return QueryReader.Quantized(id, weights, WeightScale);
    }
}
