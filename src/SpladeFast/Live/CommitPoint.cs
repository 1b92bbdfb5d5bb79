using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpladeFast.Format;

namespace SpladeFast.Live;

/// <summary>One segment as a commit point lists it: its file, documents, and the file of its deleted documents (if any).</summary>
public sealed record SegmentEntry(string Name, int Documents, int Deleted, string? DeletesFile);

/// <summary>
/// A live index's commit point, in the style of Lucene's <c>segments_N</c>: the segments of generation N with their
/// deletes, where the write-ahead log to replay starts, the next sequence number and the settings. Written to a
/// temporary name, fsynced and renamed (<see cref="AtomicFile.WriteDurably"/>): a reader sees one whole generation.
/// </summary>
public sealed record CommitPoint
{
    /// <summary>The file name prefix: a commit point of generation N is segments_N.</summary>
    public const string Prefix = "segments_";
    private static ReadOnlySpan<byte> Magic => "SFCOMMIT"u8;

    /// <summary>N: one more with every commit; the highest readable one is current.</summary>
    public long Generation { get; init; }
    /// <summary>The live index's settings, fixed at creation.</summary>
    public required LiveSettings Settings { get; init; }
    /// <summary>The segments of this generation, in sequence order.</summary>
    public IReadOnlyList<SegmentEntry> Segments { get; init; } = [];

    /// <summary>The first write-ahead log file still to replay: earlier ones are in the segments.</summary>
    public long LogStart { get; init; }

    /// <summary>At least the next sequence number to hand out (the log may hold later ones).</summary>
    public uint NextSequence { get; init; }

    /// <summary>The number the next new segment's name takes.</summary>
    public int NextSegment { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The file name of generation <paramref name="generation"/>, culture-invariant.</summary>
    public static string FileName(long generation) => Prefix + generation.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes this generation durably into <paramref name="directory"/>.</summary>
    public void Write(string directory) =>
        AtomicFile.WriteDurably(Path.Combine(directory, FileName(Generation)), ChecksummedFile.Encode(Magic, JsonSerializer.SerializeToUtf8Bytes(this, Options)));

    /// <summary>The generations whose commit points are in <paramref name="directory"/>, newest first.</summary>
    public static IReadOnlyList<long> Generations(string directory) =>
        Directory.EnumerateFiles(directory, Prefix + "*")
            .Select(f => Path.GetFileName(f)[Prefix.Length..])
            .Select(n => long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out long g) ? g : -1)
            .Where(g => g >= 0)
            .OrderDescending()
            .ToList();

    /// <summary>The newest commit point of <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">The directory is not a live index.</exception>
    /// <exception cref="IndexCorruptException">The newest commit point is damaged.</exception>
    public static CommitPoint ReadLatest(string directory)
    {
        if (!Directory.Exists(directory))
            throw new FileNotFoundException($"{directory}: live index not found (create one with 'live create')", directory);
        var generations = Generations(directory);
        if (generations.Count == 0)
            throw new FileNotFoundException($"{directory}: not a live index (no {Prefix}N commit point; create one with 'live create')", directory);
        return Read(Path.Combine(directory, FileName(generations[0])));
    }

    /// <exception cref="IndexCorruptException">The file is damaged or not a commit point.</exception>
    public static CommitPoint Read(string path)
    {
        byte[] json = ChecksummedFile.Read(path, Magic);
        CommitPoint? point;
        try
        {
            point = JsonSerializer.Deserialize<CommitPoint>(json, Options);
        }
        catch (JsonException e)
        {
            throw new IndexCorruptException(path, $"not the expected JSON ({Ingest.JsonErrors.Reason(e)})");
        }
        if (point is null || point.Segments.Any(s => s is null || !IsSegmentName(s.Name)))
            throw new IndexCorruptException(path, "a segment entry is missing or badly named");
        return point;
    }

    /// <summary>Segment files are named seg_NNNNNN.sfi, nothing else: a commit point cannot point outside its directory.</summary>
    public static bool IsSegmentName(string name) =>
        name.Length > 8 && name.StartsWith("seg_", StringComparison.Ordinal) && name.EndsWith(".sfi", StringComparison.Ordinal)
        && name.AsSpan(4, name.Length - 8).IndexOfAnyExceptInRange('0', '9') < 0;
}
