using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Rewrite;

namespace SpladeFast.Interop;

/// <summary>Writes an index back out as Anserini JsonVectorCollection lines, weights = impact / impact scale.</summary>
public static class JsonVectorExport
{
    public static long Write(SparseIndex index, string path)
    {
        var forward = ForwardLists.FromIndex(index);
        using var writer = new JsonVectorWriter(path);
        for (int d = 0; d < forward.DocumentCount; d++)
        {
            var terms = forward.TermsOf(d).ToArray();
            var impacts = forward.ImpactsOf(d).ToArray();
            writer.Write(index.DocumentId((uint)d), terms.Select((t, i) => (index.Vocabulary[t], (float)(impacts[i] / index.ImpactScale))));
        }
        writer.Commit();
        return writer.Count;
    }
}
