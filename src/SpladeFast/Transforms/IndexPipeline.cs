using System.Diagnostics;
using SpladeFast.Build;
using SpladeFast.Ingest;
using SpladeFast.Prune;
using SpladeFast.Reorder;
using SpladeFast.Rewrite;

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
/// and <see cref="IndexReorderer"/>, so that none of them knows about the others. The transforms work on the build's
/// contents in memory and one writer, <see cref="IndexComposer"/>, writes the output once. Peak memory: 10 bytes a
/// posting, first the build's postings (6) beside the forward lists made from them (4), then the forward lists
/// beside the rewritten postings (6); the build's postings are released before the rewrite.
/// </summary>
public static class IndexPipeline
{
    /// <exception cref="InputException">A record is bad (unless SkipBad), or the input holds no document.</exception>
    public static IndexBuildReport Build(IndexBuildOptions build, IndexTransforms transforms, string outputPath)
    {
        var clock = Stopwatch.StartNew();
        var builder = new IndexBuilder(build);
        if (transforms.Pruning is null && transforms.Reorder is null)
            return builder.Build(outputPath);
        using var contents = Transform(builder, transforms, outputPath, build.Progress);
        long bytes = IndexComposer.Write(outputPath, contents, build.Progress);
        return builder.Report(contents.Postings.Count, bytes, clock.Elapsed);
    }

    /// <summary>
    /// The build's contents, transformed and rewritten term-major; nothing else outlives this call, so the writer
    /// runs beside the rewritten postings alone.
    /// </summary>
    private static IndexContents Transform(IndexBuilder builder, IndexTransforms transforms, string outputPath, IProgress<BuildProgress>? progress)
    {
        var (documents, pruning) = Read(builder, outputPath, transforms.Pruning, progress);
        if (pruning is not null)
            documents = pruning.Apply(documents);
        if (transforms.Reorder is { } reorder)
            documents = IndexReorderer.Apply(documents, reorder, progress);
        // The build's postings are garbage by now, but the GC would rather grow the heap than collect them for the
        // rewrite's arrays (as large again): collecting first keeps the peak at 10 bytes a posting instead of 16.
        GC.Collect();
        return IndexRewriter.Rewrite(documents, outputPath);
    }

    /// <summary>
    /// The build read into memory and turned document-major, with the pruning's term cut-offs read from its
    /// term-major postings first; those postings are released when this returns.
    /// </summary>
    private static (DocumentContents Documents, StaticPruning? Pruning) Read(IndexBuilder builder, string outputPath, PruningSpec? spec, IProgress<BuildProgress>? progress)
    {
        using var built = builder.Read(outputPath, rangeForward: false);
        var pruning = spec is { } s ? StaticPruning.For(s, built.Postings, progress) : null;
        return (DocumentContents.FromContents(built), pruning);
    }
}
