using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Synthetic;

namespace SpladeFast.Bench;

/// <summary>A synthetic collection indexed once per benchmark process, cached under the temp directory by size and seed.</summary>
internal static class SyntheticIndex
{
    public static (SparseIndex Index, IReadOnlyList<QueryVector> Queries) Open(int documents, int queries, int seed = 42)
    {
        string directory = Path.Combine(Path.GetTempPath(), "splade-fast-bench", $"synth-{documents}-{queries}-{seed}");
        string indexPath = Path.Combine(directory, "index.sfi");
        if (!File.Exists(indexPath))
        {
            var collection = new SyntheticCollection(new SynthOptions { Documents = documents, Queries = queries, Seed = seed }).Write(directory);
            new IndexBuilder(new IndexBuildOptions { Inputs = [collection.Documents], VocabularyPath = collection.Vocabulary, RangeSize = 64 }).Build(indexPath);
            File.Delete(collection.Documents);
        }
        var index = SparseIndex.Open(indexPath, IndexStorageKind.InMemory);
        return (index, QueryReader.Read(Path.Combine(directory, "queries.tsv"), index.Vocabulary).Queries);
    }
}
