namespace SpladeFast.Build;

/// <summary>What <see cref="IndexBuilder"/> builds: inputs, vocabulary, quantization, bmp ranges and the optional pruning, reordering, sharding and stored fields.</summary>
public sealed record IndexBuildOptions
{
    /// <summary>JSONL files (plain or .gz) or directories of them.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>A BERT vocab.txt fixing term ids; null builds the vocabulary from the documents.</summary>
    public string? VocabularyPath { get; init; }
    /// <summary>0: fixed scale (round(w x <see cref="Scale"/>)); 8 or 16: linear quantizer.</summary>
    public int QuantBits { get; init; }
    /// <summary>The fixed quantization's scale: impact = round(w x Scale); 100 as naver/splade's export.</summary>
    public double Scale { get; init; } = 100;
    /// <summary>Count and skip bad records instead of failing on the first.</summary>
    public bool SkipBad { get; init; }
    /// <summary>Docs per range of the block-at-a-time (bmp) data; 0 builds none (bmp then is unavailable).</summary>
    public int RangeSize { get; init; }
    /// <summary>Keep only this round-robin part of the (valid) records; every record is still validated.</summary>
    public ShardSpec Shard { get; init; } = ShardSpec.Whole;
    /// <summary>Keep each document's source (its line without the vector) as LZ4-compressed stored fields.</summary>
    public bool Store { get; init; }
    /// <summary>Receives each stage's progress (null: none).</summary>
    public IProgress<BuildProgress>? Progress { get; init; }
}

/// <summary>What a build did.</summary>
/// <param name="Documents">Documents indexed.</param>
/// <param name="Terms">The vocabulary's size.</param>
/// <param name="Postings">Postings written.</param>
/// <param name="SkippedRecords">Bad records skipped (<see cref="IndexBuildOptions.SkipBad"/>).</param>
/// <param name="DroppedWeights">Weights that quantized to 0, or were not positive, and so became no posting.</param>
/// <param name="IndexBytes">The index file's size.</param>
/// <param name="Elapsed">Wall-clock time of the build.</param>
public sealed record IndexBuildReport(
    int Documents, int Terms, long Postings, long SkippedRecords, long DroppedWeights, long IndexBytes, TimeSpan Elapsed);
