using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Interop.Vectors;

/// <summary>
/// An index's documents as vectors in weight units (impact / impact scale), in input order (a reordered index's
/// documents go back to the order they were indexed in, so an index built from the vectors breaks ties as the
/// original). Ids and tokens that no input would accept (<see cref="Identifiers"/>) are an
/// <see cref="InvalidDataException"/>, not exported.
/// </summary>
public static class IndexVectors
{
    /// <summary>Every document of <paramref name="index"/>, in input order (see the type).</summary>
    public static IEnumerable<SparseVectorRecord> Read(SparseIndex index)
    {
        var forward = ForwardLists.FromIndex(index);
        for (uint ordinal = 0; ordinal < (uint)forward.DocumentCount; ordinal++)
        {
            int d = (int)index.Order.DocId(ordinal);
            var terms = forward.TermsOf(d);
            var impacts = forward.ImpactsOf(d);
            var tokens = new string[terms.Length];
            var weights = new float[terms.Length];
            for (int i = 0; i < terms.Length; i++)
            {
                tokens[i] = Identifiers.Writable(index.Vocabulary[terms[i]], "token", "the vectors");
                weights[i] = (float)(impacts[i] / index.ImpactScale);
            }
            yield return new SparseVectorRecord(Identifiers.Writable(index.DocumentId((uint)d), "document id", "the vectors"), tokens, weights);
        }
    }
}
