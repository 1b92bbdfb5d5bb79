using System.Diagnostics;
using SpladeFast.Codecs;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Quantize;

namespace SpladeFast.Build;

/// <summary>
/// Builds an index in two passes over the input: the first validates every record, grows the vocabulary and
/// counts postings per term; the second fills exactly-sized posting arrays (docid u32 + impact u16, 6 bytes a
/// posting: 1.2 billion postings take about 7 GiB), which are then compressed term by term.
/// Nothing is written before the first pass has accepted the whole input.
/// </summary>
public sealed class IndexBuilder(IndexBuildOptions options)
{
    private readonly Vocabulary _vocabulary = options.VocabularyPath is { } path ? Vocabulary.Load(path) : new Vocabulary();
    private readonly List<string> _documentIds = [];
    private readonly HashSet<(int File, long Line)> _badLines = [];
    private long[] _termCounts = new long[1024];
    private int[] _termScratch = new int[256];
    private readonly StoredFieldsWriter? _stored = options.Store ? new StoredFieldsWriter() : null;
    private double _maxWeight;
    private long _droppedWeights;
    private bool _read;

    /// <summary>
    /// Builds the index at <paramref name="outputPath"/>, replacing any file there only once the new one is complete.
    /// </summary>
    /// <exception cref="InputException">A record is bad (unless SkipBad), or the input holds no document.</exception>
    public IndexBuildReport Build(string outputPath)
    {
        var clock = Stopwatch.StartNew();
        using var contents = Read(outputPath);
        long bytes = IndexComposer.Write(outputPath, contents, options.Progress);
        return Report(contents.Postings.Count, bytes, clock.Elapsed);
    }

    /// <summary>
    /// Reads the input into index contents and writes nothing: term-major postings (6 bytes a posting), document ids,
    /// stored sources and metadata, for <see cref="IndexComposer.Write"/> or for transforms before it. Call once.
    /// </summary>
    /// <param name="outputPath">The index the contents are for: the bmp forward index streams to temporary files beside it.</param>
    /// <param name="rangeForward">
    /// Whether to collect the bmp forward index while reading (with a range size); without, whoever writes the
    /// contents derives it, which a rewrite after transforms does anyway.
    /// </param>
    /// <exception cref="InputException">A record is bad (unless SkipBad), or the input holds no document.</exception>
    /// <exception cref="InvalidOperationException">This builder has read its input already.</exception>
    public IndexContents Read(string outputPath, bool rangeForward = true)
    {
        if (_read)
            throw new InvalidOperationException("an IndexBuilder reads its input once; make another for another build");
        _read = true;
        // Before reading: a killed build's leftovers can be as large as the index this one needs room for.
        TemporaryFiles.RemoveStale(outputPath);
        var files = InputFiles.Expand(options.Inputs);
        if (files.Count == 0)
            throw new InputException(string.Join(", ", options.Inputs), 0, "no input files");
        if (ScanPass(files) == 0)
        {
            throw new InputException(string.Join(", ", files), 0,
                _badLines.Count == 0 ? "no documents (empty input)" : $"no documents left after skipping {_badLines.Count} bad lines");
        }
        var quantizer = options.QuantBits == 0 ? ImpactQuantizer.Fixed(options.Scale) : ImpactQuantizer.Linear(options.QuantBits, _maxWeight);
        long[] starts = new long[_vocabulary.Count + 1];
        for (int t = 0; t < _vocabulary.Count; t++)
            starts[t + 1] = starts[t] + _termCounts[t];
        if (options.RangeSize > 0 && _vocabulary.Count > ushort.MaxValue + 1)
            throw new InvalidOperationException($"block-max ranges need at most 65,536 terms; this vocabulary has {_vocabulary.Count:N0}");
        var postings = InvertedLists.Allocate(starts);
        var forward = options.RangeSize > 0 && rangeForward ? new RangeForwardWriter(outputPath, _documentIds.Count, options.RangeSize, _vocabulary.Count) : null;
        try
        {
            FillPass(files, quantizer, postings, forward);
        }
        catch
        {
            forward?.Dispose();
            throw;
        }
        return Contents(files, quantizer, postings, forward);
    }

    /// <summary>What a build that read its input with <see cref="Read"/> reports, given what was written.</summary>
    public IndexBuildReport Report(long postings, long indexBytes, TimeSpan elapsed) =>
        new(_documentIds.Count, _vocabulary.Count, postings, _badLines.Count, _droppedWeights, indexBytes, elapsed);

    /// <summary>Pass 1: validate, assign term ids, count postings, find the largest weight.</summary>
    /// <returns>The number of valid records in the whole input (every shard's).</returns>
    private long ScanPass(IReadOnlyList<string> files)
    {
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var fixedScale = options.QuantBits == 0 ? ImpactQuantizer.Fixed(options.Scale) : (ImpactQuantizer?)null;
        long ordinal = 0;
        ForEachRecord(files, "reading", (file, line, record, _) =>
        {
            string? error = record is null ? null : Check(record, seenIds, fixedScale);
            if (record is null || error is not null)
                return error;
            if (!options.Shard.Contains(ordinal++))
                return null;
            _documentIds.Add(record.Id);
            for (int i = 0; i < record.Count; i++)
            {
                int term = _termScratch[i];
                double weight = record.Weight(i);
                _maxWeight = Math.Max(_maxWeight, weight);
                bool kept = fixedScale is { } q ? q.TryQuantize(weight, out uint impact) && impact > 0 : weight > 0;
                if (kept)
                    _termCounts[term]++;
                else
                    _droppedWeights++;
            }
            return null;
        }, validate: true);
        return ordinal;
    }

    private string? Check(ParsedVector record, HashSet<string> seenIds, ImpactQuantizer? fixedScale)
    {
        if (seenIds.Contains(record.Id))
            return $"duplicate document id '{record.Id}'";
        if (_termScratch.Length < record.Count)
            _termScratch = new int[Math.Max(record.Count, _termScratch.Length * 2)];
        for (int i = 0; i < record.Count; i++)
        {
            if (_vocabulary.IsFixed && !_vocabulary.TryGetId(record.Token(i), out _))
                return $"token '{record.Token(i)}' is not in the vocabulary {options.VocabularyPath}";
            if (fixedScale is { } q && !q.TryQuantize(record.Weight(i), out _))
                return $"weight {record.Weight(i)} of token '{record.Token(i)}' exceeds the 16-bit impact range at scale {q.Scale}; use --quant-bits or a smaller --scale";
        }
        for (int i = 0; i < record.Count; i++)
            _termScratch[i] = _vocabulary.GetOrAdd(record.Token(i));
        if (_termCounts.Length < _vocabulary.Count)
            Array.Resize(ref _termCounts, Math.Max(_vocabulary.Count, _termCounts.Length * 2));
        seenIds.Add(record.Id);
        return null;
    }

    /// <summary>Pass 2: the input was accepted; place each posting at its term's next free slot.</summary>
    private void FillPass(IReadOnlyList<string> files, ImpactQuantizer quantizer, InvertedLists postings, RangeForwardWriter? forward)
    {
        long[] next = (long[])postings.Starts.Clone();
        uint docId = 0;
        long ordinal = 0;
        ForEachRecord(files, "indexing", (file, line, record, text) =>
        {
            if (record is null || !options.Shard.Contains(ordinal++))
                return null;
            _stored?.Add(StoredFields.SourceOf(text));
            for (int i = 0; i < record.Count; i++)
            {
                if (!quantizer.TryQuantize(record.Weight(i), out uint impact) || impact == 0)
                    continue;
                _vocabulary.TryGetId(record.Token(i), out int term);
                long slot = next[term]++;
                postings.DocIds[slot] = docId;
                postings.Impacts[slot] = (ushort)impact;
                forward?.Add(term, impact);
            }
            forward?.EndDocument();
            docId++;
            return null;
        }, validate: false);
    }

    /// <summary>
    /// Called by <c>ForEachRecord</c> for each non-blank line; a null record means the line is a known bad one
    /// (second pass). In the validating pass a parse error or the visitor's error fails the build or, with
    /// SkipBad, marks the line bad.
    /// </summary>
    private delegate string? RecordVisitor(int file, long line, ParsedVector? record, ReadOnlySpan<byte> text);

    private void ForEachRecord(IReadOnlyList<string> files, string stage, RecordVisitor visit, bool validate)
    {
        long total = files.Sum(InputFiles.Length), done = 0;
        var record = new ParsedVector();
        var progressClock = Stopwatch.StartNew();
        for (int f = 0; f < files.Count; f++)
        {
            using var reader = new Utf8LineReader(files[f]);
            while (reader.TryReadLine(out var line))
            {
                if (line.IsEmpty || line.Trim((byte)' ').IsEmpty)
                    continue;
                if (!validate && _badLines.Contains((f, reader.LineNumber)))
                    continue;
                string? error = JsonVectorParser.TryParse(line, record, checkedBefore: !validate) ?? visit(f, reader.LineNumber, record, line);
                if (error is not null)
                {
                    if (!validate || !options.SkipBad)
                        throw new InputException(files[f], reader.LineNumber, error);
                    _badLines.Add((f, reader.LineNumber));
                }
                if (progressClock.ElapsedMilliseconds >= 200)
                {
                    options.Progress?.Report(new BuildProgress(stage, done + reader.FilePosition, total, "bytes"));
                    progressClock.Restart();
                }
            }
            done += reader.FileLength;
        }
        options.Progress?.Report(new BuildProgress(stage, total, total, "bytes"));
    }

    private IndexContents Contents(IReadOnlyList<string> files, ImpactQuantizer quantizer, InvertedLists postings, RangeForwardWriter? forward)
    {
        var properties = new Dictionary<string, string>();
        if (!options.Shard.IsWhole)
            properties[ShardSpec.PropertyName] = options.Shard.ToString();
        var metadata = new IndexMetadata
        {
            Vocabulary = options.VocabularyPath is { } v ? Path.GetFileName(v) : "documents",
            Quantization = quantizer.Describe(),
            Properties = properties,
            Inputs = files.Select(Path.GetFileName).ToList()!,
            SkippedRecords = _badLines.Count,
        };
        return new IndexContents(metadata, _vocabulary.Tokens, _documentIds, postings, quantizer, options.RangeSize, forward, StoredFields: _stored);
    }
}
