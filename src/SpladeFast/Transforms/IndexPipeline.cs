using System.Diagnostics;
using SpladeFast.Build;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Prune;
using SpladeFast.Reorder;

namespace SpladeFast.Transforms;

/// <summary>What to do to an index after building it: static pruning, then reordering; both optional.</summary>
public sealed record IndexTransforms
{
    /// <summary>Static pruning applied after building (before reordering); null keeps every posting.</summary>
    public PruningSpec? Pruning { get; init; }
    /// <summary>Renumber documents by recursive graph bisection; null keeps input order.</summary>
    public BisectionOptions? Reorder { get; init; }

    /// <summary>Neither: the build's index as it is.</summary>
    public static IndexTransforms None { get; } = new();
}

/// <summary>
/// Build, then the transforms, in that order: the layer above <see cref="IndexBuilder"/>, <see cref="StaticPruning"/>
/// and <see cref="IndexReorderer"/>, so that none of them knows about the others. Each transform reads the finished
/// index of the step before (under a temporary name beside the output) and only the last one writes the output.
/// </summary>
public static class IndexPipeline
{
    /// <exception cref="InputException">A record is bad (unless SkipBad), or the input holds no document.</exception>
    public static IndexBuildReport Build(IndexBuildOptions build, IndexTransforms transforms, string outputPath)
    {
        var clock = Stopwatch.StartNew();
        var rewrites = new List<Func<SparseIndex, string, long>>();
        if (transforms.Pruning is { } pruning)
            rewrites.Add((source, target) => StaticPruning.Write(source, target, pruning, build.Progress).IndexBytes);
        if (transforms.Reorder is { } reorder)
            rewrites.Add((source, target) => IndexReorderer.Write(source, target, reorder, build.Progress));
        if (rewrites.Count == 0)
            return new IndexBuilder(build).Build(outputPath);

        // Before reading: a killed build's leftovers can be as large as the index this one needs room for.
        TemporaryFiles.RemoveStale(outputPath);
        string current = TemporaryFiles.For(outputPath, "stage0");
        var report = new IndexBuilder(build).Build(current);
        long bytes = 0;
        for (int i = 0; i < rewrites.Count; i++)
        {
            string target = i == rewrites.Count - 1 ? outputPath : TemporaryFiles.For(outputPath, $"stage{i + 1}");
            try
            {
                using var source = SparseIndex.Open(current, IndexStorageKind.MemoryMapped, verifyChecksums: false);
                bytes = rewrites[i](source, target);
            }
            finally
            {
                File.Delete(current);
            }
            current = target;
        }
        using var result = SparseIndex.Open(outputPath, IndexStorageKind.MemoryMapped, verifyChecksums: false);
        return report with { Postings = result.PostingCount, IndexBytes = bytes, Elapsed = clock.Elapsed };
    }
}
