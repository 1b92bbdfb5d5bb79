using System.CommandLine;
using SpladeFast.Cli.Output;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Interop;
using SpladeFast.Interop.Ciff;
using SpladeFast.Interop.Vectors;

namespace SpladeFast.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index("Index file, or live index directory (its live documents, as one index built from them).");
        var format = new Option<string>("--format")
        {
            Description = "pisa: binary collection, lexicons and weighted queries; ciff: Common Index File Format postings (tf = impact); "
                + "anserini: JsonVectorCollection JSONL; parquet: id, term_ids, weights; bulk: OpenSearch/Elasticsearch bulk NDJSON plus a mapping file. "
                + "Vector formats hold weights = impact / scale.",
            HelpName = "format",
        }.AcceptOnlyFromAmong("pisa", "ciff", "anserini", "parquet", "bulk");
        var output = new Option<string>("--output", "-o") { Description = "pisa: output prefix (PREFIX.docs/.freqs/.sizes/.terms/.documents, .queries); other formats: the file (anserini: .gz to compress).", Required = true }.WritablePrefix();
        var queries = new Option<FileInfo?>("--queries", "-q") { Description = "pisa: also write these queries in PISA's weighted format (term ids repeated by weight)." };
        var skipBad = CommonOptions.SkipBad("Skip bad --queries lines and unknown query tokens, and report how many, instead of failing on the first.");
        var bulk = new BulkOptions();
        var command = new Command("export", "Export an index to other engines' formats: PISA, CIFF, Anserini JSONL, Parquet, OpenSearch/Elasticsearch bulk.")
        {
            index, format, output, queries, skipBad,
        };
        foreach (var option in bulk.All)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            // Checked here rather than by the parser, so that the error can list the formats.
            string chosen = parse.GetValue(format) ?? throw new ArgumentException("give --format: pisa, ciff, anserini, parquet or bulk");
            string target = parse.GetRequiredValue(output);
            using var live = LiveIndexFile.Open(parse.GetRequiredValue(index).FullName, target);
            using var opened = SparseIndex.Open(live.Path);
            switch (chosen)
            {
                case "pisa":
                    var querySet = parse.GetValue(queries) is { } q ? QueryReader.Read(q.FullName, opened.Vocabulary, parse.GetValue(skipBad)).Queries : null;
                    var report = ProgressDisplay.Run(progress => PisaExport.Write(opened, target, querySet, progress));
                    Console.WriteLine($"wrote {target}.docs/.freqs/.sizes/.terms/.documents: {report.Terms:N0} non-empty terms, {report.Postings:N0} postings"
                        + (querySet is null ? "" : $"; {target}.queries: {report.Queries:N0} queries"));
                    break;
                case "ciff":
                    var ciff = ProgressDisplay.Run(progress => CiffExport.Write(opened, target, progress));
                    Console.WriteLine($"wrote {target}: {ciff.PostingLists:N0} posting lists, {ciff.Postings:N0} postings, {ciff.Documents:N0} document records");
                    break;
                default:
                    var vectorFormat = chosen switch { "parquet" => VectorFormat.Parquet, "bulk" => VectorFormat.Bulk, _ => VectorFormat.JsonVectors };
                    var options = bulk.Read(parse);
                    long written = VectorFormats.Write(target, vectorFormat, () => IndexVectors.Read(opened), options);
                    Console.WriteLine($"wrote {written:N0} documents to {target}");
                    if (vectorFormat == VectorFormat.Bulk)
                        Console.WriteLine($"wrote the index mapping to {bulk.WriteMapping(parse, target, options)}");
                    break;
            }
            return 0;
        }));
        return command;
    }
}

/// <summary>
/// The index file a command reads: the given file, or for a live index directory a temporary index of its live
/// documents written beside <c>output</c> and deleted on disposal.
/// </summary>
internal sealed class LiveIndexFile : IDisposable
{
    private readonly bool _temporary;

    private LiveIndexFile(string path, bool temporary)
    {
        Path = path;
        _temporary = temporary;
    }

    public string Path { get; }

    public static LiveIndexFile Open(string index, string output)
    {
        if (!Live.LiveIndex.IsLiveIndex(index))
            return new LiveIndexFile(index, false);
        string path = Format.TemporaryFiles.Claim(System.IO.Path.GetFullPath(output), "live.sfi");
        using var live = Live.LiveIndex.Open(index, readOnly: true);
        using var lease = live.Acquire();
        ProgressDisplay.Run(progress => Live.LiveExport.WriteIndex(lease.Snapshot, path, progress));
        return new LiveIndexFile(path, true);
    }

    public void Dispose()
    {
        if (_temporary)
            File.Delete(Path);
    }
}

/// <summary>Options of the OpenSearch/Elasticsearch bulk format, shared by export and convert.</summary>
internal sealed class BulkOptions
{
    public Option<string> IndexName { get; } = new("--index-name") { Description = "bulk: the OpenSearch/Elasticsearch index named in each action.", DefaultValueFactory = _ => "splade" };
    public Option<string> Field { get; } = new("--field") { Description = "bulk: the document field holding the vector.", DefaultValueFactory = _ => "sparse_embedding" };
    public Option<string> Engine { get; } = new Option<string>("--engine")
    {
        Description = "bulk: opensearch (rank_features mapping) or elasticsearch (sparse_vector mapping).",
        DefaultValueFactory = _ => "opensearch",
    }.AcceptOnlyFromAmong("opensearch", "elasticsearch");
    public Option<FileInfo?> Mapping { get; } = new("--mapping") { Description = "bulk: where to write the index mapping (PUT body). Default: OUTPUT.mapping.json." };

    public IEnumerable<Option> All => [IndexName, Field, Engine, Mapping];

    public VectorFormatOptions Read(ParseResult parse, string? vocabularyPath = null) => new()
    {
        IndexName = parse.GetRequiredValue(IndexName),
        Field = parse.GetRequiredValue(Field),
        FieldType = parse.GetRequiredValue(Engine) == "elasticsearch" ? "sparse_vector" : "rank_features",
        VocabularyPath = vocabularyPath,
    };

    public string WriteMapping(ParseResult parse, string output, VectorFormatOptions options)
    {
        string path = parse.GetValue(Mapping)?.FullName ?? output + ".mapping.json";
        File.WriteAllText(path, BulkVectorFile.Mapping(options));
        return path;
    }
}
