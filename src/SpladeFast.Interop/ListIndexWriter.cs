using System.Globalization;
using SpladeFast.Build;
using SpladeFast.Index;
using SpladeFast.Quantize;

namespace SpladeFast.Interop;

/// <summary>How an index is built from another engine's postings (CIFF, PISA).</summary>
public sealed record ListImportOptions
{
    /// <summary>Recorded as the impact scale: scores divided by it (and the query scale) give weight units.</summary>
    public double Scale { get; init; } = 100;
    /// <summary>A BERT vocab.txt fixing term ids; null keeps the CIFF's term order.</summary>
    public string? VocabularyPath { get; init; }
    /// <summary>Docs per bmp range; 0 builds none.</summary>
    public int RangeSize { get; init; }
    /// <summary>Receives the import's progress.</summary>
    public IProgress<BuildProgress>? Progress { get; init; }
}

/// <summary>An index given as posting lists (imports from other engines), impacts already integers.</summary>
public sealed record ListIndexContents(
    IReadOnlyList<string> Vocabulary, IReadOnlyList<string> DocumentIds, InvertedLists Postings, double Scale, int RangeSize,
    string VocabularySource, string InputPath, IReadOnlyDictionary<string, string> Properties);

internal static class ListIndexWriter
{
    public static long Write(string outputPath, ListIndexContents contents, IProgress<BuildProgress>? progress)
    {
        var metadata = new IndexMetadata
        {
            Vocabulary = contents.VocabularySource,
            Quantization = string.Create(CultureInfo.InvariantCulture, $"imported impacts (scale {contents.Scale:R})"),
            Inputs = [Path.GetFileName(contents.InputPath)],
            Properties = contents.Properties,
        };
        return IndexComposer.Write(outputPath, new IndexContents(metadata, contents.Vocabulary, contents.DocumentIds, contents.Postings,
            new ImpactQuantizer(contents.Scale, 0), contents.RangeSize, Forward: null), progress);
    }
}
