using System.CommandLine;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using SpladeFast.Cli.Output;
using SpladeFast.Ingest;
using SpladeFast.Live;

namespace SpladeFast.Cli.Commands;

/// <summary>live create|add|delete|commit|merge|stats: a live index directory, written without rebuilds (issue 19).</summary>
internal static class LiveCommand
{
    public static Command Create() => new("live", "A live index: a directory of segments taking adds and deletes without a rebuild, durably (write-ahead log), searched exactly by query, bench latency and serve.")
    {
        CreateIndex(), Add(), Delete(), Commit(), Merge(), Stats(),
    };

    private static Option<DirectoryInfo> IndexOption() => new("--index", "-i") { Description = "Live index directory.", Required = true };

    private static Command CreateIndex()
    {
        var index = IndexOption().WritableDirectory();
        var scale = new Option<double>("--scale") { Description = "Impact = round(weight x scale), as 'index' quantizes by default; fixed for the index's life.", DefaultValueFactory = _ => 100 };
        var rangeSize = new Option<int>("--bmp-range") { Description = "Documents per bmp range in every segment (0: no bmp data).", DefaultValueFactory = _ => 64 };
        var flush = new Option<int>("--flush-docs") { Description = "The memory buffer becomes a segment at this many documents.", DefaultValueFactory = _ => 10_000 }.AtLeast(1);
        var perTier = new Option<int>("--segments-per-tier") { Description = "Segments of about one size allowed before they are merged.", DefaultValueFactory = _ => 8 }.AtLeast(2);
        var atOnce = new Option<int>("--merge-at-once") { Description = "The most segments one merge joins.", DefaultValueFactory = _ => 8 }.AtLeast(2);
        var import = new Option<FileInfo?>("--import") { Description = "An existing index file (built with the fixed scale) copied in as the first segment." };
        var command = new Command("create", "Create an empty live index directory, or one holding an existing index as its first segment.") { index, scale, rangeSize, flush, perTier, atOnce, import };
        command.SetAction(parse => CliAction.Run(() =>
        {
            string directory = parse.GetRequiredValue(index).FullName;
            var settings = new LiveSettings
            {
                Scale = parse.GetValue(scale),
                RangeSize = parse.GetValue(rangeSize),
                FlushDocuments = parse.GetValue(flush),
                SegmentsPerTier = parse.GetValue(perTier),
                MaxMergeAtOnce = parse.GetValue(atOnce),
            };
            LiveIndex.Create(directory, settings, parse.GetValue(import)?.FullName);
            using var live = LiveIndex.Open(directory, readOnly: true);
            Console.WriteLine($"created live index {directory}: {live.Stats().LiveDocuments:N0} documents");
            return 0;
        }));
        return command;
    }

    private static Command Add()
    {
        var index = IndexOption();
        var input = new Option<FileInfo?>("--input", "-I") { Description = "Documents as JSONL vectors ({\"id\", \"vector\", ...}, as 'index' reads them), plain or .gz. An id already in the index is replaced." };
        var texts = new Option<FileInfo?>("--texts") { Description = "Texts instead (JSONL {\"_id\", \"title\", \"text\"} or {\"id\", \"contents\"}, or TSV id<TAB>text), encoded with --model." };
        var model = new Option<string?>("--model", "-m") { Description = "With --texts: a SPLADE checkpoint directory encoding them." };
        var batch = new Option<int>("--batch-docs") { Description = "Documents per acknowledged batch: one log record, fsynced once, whole or absent after a crash.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var noMerge = new Option<bool>("--no-merge") { Description = "Do not run the merges the tiered policy asks for between batches and at the end." };
        var encoderOptions = new TextEncoderOptions(defaultMaxLength: 256);
        var command = new Command("add", "Add (or replace) documents; each batch is durable when its 'acknowledged' line is printed, and searchable at once.") { index, input, texts, model, batch, noMerge };
        foreach (var option in encoderOptions.All)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var live = LiveIndex.Open(parse.GetRequiredValue(index).FullName);
            long added = 0, replaced = 0;
            int size = parse.GetValue(batch);
            var acknowledgeMilliseconds = new List<double>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            void Acknowledge(List<byte[]> lines, List<long> numbers, string source)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                replaced += live.Add(lines, source, numbers);
                acknowledgeMilliseconds.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                added += lines.Count;
                Console.WriteLine($"acknowledged {added} documents (through line {numbers[^1]})");
                Console.Out.Flush();
                lines.Clear();
                numbers.Clear();
                if (!parse.GetValue(noMerge))
                    live.MaybeMerge(); // one process writes: the merges the policy asks for run between batches
            }
            var pending = new List<byte[]>(size);
            var lineNumbers = new List<long>(size);
            if (parse.GetValue(input) is { } file)
            {
                using var reader = new Utf8LineReader(file.FullName);
                while (reader.TryReadLine(out var line))
                {
                    if (line.Trim((byte)' ').IsEmpty)
                        continue;
                    pending.Add(line.ToArray());
                    lineNumbers.Add(reader.LineNumber);
                    if (pending.Count == size)
                        Acknowledge(pending, lineNumbers, file.FullName);
                }
                if (pending.Count > 0)
                    Acknowledge(pending, lineNumbers, file.FullName);
            }
            else if (parse.GetValue(texts) is { } textFile)
            {
                string spec = parse.GetValue(model) ?? throw new ArgumentException("--texts needs --model (a SPLADE checkpoint directory)");
                using var encoder = encoderOptions.Create(spec, parse);
                if (encoder is Encoders.Lexical.Bm25DocumentEncoder)
                    throw new ArgumentException("bm25 weighs terms by the whole collection; encode it with 'encode' and add the vectors with --input");
                long position = 0;
                foreach (var chunk in TextCorpus.Read(textFile.FullName).Chunk(size))
                {
                    var vectors = encoder.Encode(chunk.Select(r => r.Text).ToList());
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        pending.Add(TextLine(chunk[i], vectors[i].Terms.Select((t, j) => (encoder.Tokenizer.Tokens[t], vectors[i].Weights[j]))));
                        lineNumbers.Add(++position);
                    }
                    Acknowledge(pending, lineNumbers, textFile.FullName);
                }
            }
            else
            {
                throw new ArgumentException("give --input (JSONL vectors) or --texts with --model");
            }
            if (!parse.GetValue(noMerge))
            {
                while (live.MaybeMerge())
                {
                }
            }
            var stats = live.Stats();
            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"added {added:N0} documents ({replaced:N0} replaced) in {seconds:F1} s ({added / Math.Max(1e-9, seconds):F0} documents/s); {stats.LiveDocuments:N0} live documents in {stats.Segments.Count} segments and the buffer ({stats.BufferedDocuments:N0})");
            if (acknowledgeMilliseconds.Count > 0)
            {
                // A document is searchable once acknowledged: this is also the time from add to visible.
                var sorted = acknowledgeMilliseconds.Order().ToList();
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"acknowledgement (add to visible) per batch of up to {size}: mean {sorted.Average():F2} ms, p50 {sorted[sorted.Count / 2]:F2} ms, p99 {sorted[Math.Min(sorted.Count - 1, sorted.Count * 99 / 100)]:F2} ms (flushes and merges included)"));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>A text's JSONL line: its id and text (kept as its stored fields) and its vector.</summary>
    private static byte[] TextLine(TextRecord record, IEnumerable<(string Token, float Weight)> vector)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", record.Id);
            writer.WriteString("text", record.Text);
            writer.WriteStartObject("vector");
            foreach (var (token, weight) in vector)
                writer.WriteNumber(token, weight);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static Command Delete()
    {
        var index = IndexOption();
        var ids = new Option<string[]>("--id") { Description = "Document ids to delete (a,b,c or repeated).", AllowMultipleArgumentsPerToken = true };
        var file = new Option<FileInfo?>("--ids") { Description = "A file of document ids to delete, one per line." };
        var command = new Command("delete", "Delete documents by id; durable when it returns (ids not in the index are ignored).") { index, ids, file };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var list = (parse.GetValue(ids) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (parse.GetValue(file) is { } f)
                list.AddRange(File.ReadLines(f.FullName).Select(l => l.Trim()).Where(l => l.Length > 0));
            if (list.Count == 0)
                throw new ArgumentException("give --id or --ids");
            using var live = LiveIndex.Open(parse.GetRequiredValue(index).FullName);
            int deleted = live.Delete(list);
            Console.WriteLine($"acknowledged the deletion of {list.Count:N0} ids: {deleted:N0} documents deleted");
            return 0;
        }));
        return command;
    }

    private static Command Commit()
    {
        var index = IndexOption();
        var command = new Command("commit", "Write the memory buffer as a segment and commit a new generation (the log is then empty).") { index };
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var live = LiveIndex.Open(parse.GetRequiredValue(index).FullName);
            live.Commit();
            var stats = live.Stats();
            Console.WriteLine($"committed generation {stats.Generation}: {stats.Segments.Count} segments, {stats.LiveDocuments:N0} live documents");
            return 0;
        }));
        return command;
    }

    private static Command Merge()
    {
        var index = IndexOption();
        var maxSegments = new Option<int?>("--max-segments") { Description = "Merge until at most this many segments are left (1: one segment, deletes purged). Default: what the tiered policy asks for." };
        var command = new Command("merge", "Merge segments: what the tiered policy asks for, or down to --max-segments.") { index, maxSegments };
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var live = LiveIndex.Open(parse.GetRequiredValue(index).FullName);
            int before = live.Stats().Segments.Count;
            if (parse.GetValue(maxSegments) is { } most)
            {
                live.ForceMerge(most);
            }
            else
            {
                while (live.MaybeMerge())
                {
                }
            }
            var stats = live.Stats();
            Console.WriteLine($"{before} segments -> {stats.Segments.Count} ({stats.MergesDone} merges), generation {stats.Generation}");
            return 0;
        }));
        return command;
    }

    private static Command Stats()
    {
        var index = IndexOption();
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("stats", "Show a live index's generation, segments (documents, deleted), buffered documents and log.") { index, json };
        command.SetAction(parse => CliAction.Run(() => PrintStats(parse.GetRequiredValue(index).FullName, parse.GetValue(json))));
        return command;
    }

    /// <summary>Prints a live index's stats (also what top-level <c>stats</c> prints for a live directory).</summary>
    internal static int PrintStats(string directory, bool json)
    {
        using var live = LiveIndex.Open(directory, readOnly: true);
        var stats = live.Stats();
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(stats, CliJson.Indented));
            return 0;
        }
        var table = new Table().AddColumn("segment").AddColumn(new TableColumn("documents").RightAligned()).AddColumn(new TableColumn("deleted").RightAligned());
        foreach (var segment in stats.Segments)
            table.AddRow(Markup.Escape(segment.Name), $"{segment.Documents:N0}", $"{segment.Deleted:N0}");
        table.AddRow("buffer (log)", $"{stats.BufferedDocuments + stats.BufferDeleted:N0}", $"{stats.BufferDeleted:N0}");
        AnsiConsole.Write(table);
        Console.WriteLine($"generation {stats.Generation}, {stats.LiveDocuments:N0} live documents, next sequence number {stats.NextSequence:N0}");
        return 0;
    }
}
