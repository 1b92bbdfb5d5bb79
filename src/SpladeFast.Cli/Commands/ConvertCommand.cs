using System.CommandLine;
using SpladeFast.Ingest;
using SpladeFast.Interop.Vectors;
using SpladeFast.Onnx.Export;

namespace SpladeFast.Cli.Commands;

internal static class ConvertCommand
{
    public static Command Create()
    {
        string formats = string.Join("|", VectorFormats.Names.Keys);
        var input = new Option<FileInfo>("--input", "-I") { Description = "Vectors to read; with --to onnx, a BERT or DistilBERT masked-LM directory (config.json + model.safetensors).", Required = true };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Vectors to write; with --to onnx, the graph (default: INPUT/onnx/model.onnx, where --backend auto finds it)." }.WritableFile();
        var from = new Option<string?>("--from") { Description = $"Input format ({formats}). Default: from the extension (.parquet, .ndjson/.bulk, .tsv, else jsonl)." };
        var to = new Option<string?>("--to") { Description = $"Output format ({formats}), or onnx to export a model checkpoint for --backend onnx. Default: from the extension." };
        var vocab = new Option<FileInfo?>("--vocab") { Description = "parquet: BERT vocab.txt whose line numbers are the term_ids (written, or read when the file carries no vocabulary)." };
        var scale = new Option<double>("--scale") { Description = "query-tsv: integer weight = round(weight x scale) when writing, weight = count / scale when reading.", DefaultValueFactory = _ => Quantize.QueryWeights.DefaultFloatScale };
        var bulk = new BulkOptions();
        var command = new Command("convert", "Convert document or query vectors between Anserini JSONL, Parquet, OpenSearch/Elasticsearch bulk NDJSON and Anserini's pre-encoded query TSV; "
            + "or export a model checkpoint to ONNX (--to onnx).")
        {
            input, output, from, to, vocab, scale,
        };
        foreach (var option in bulk.All)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            string source = parse.GetRequiredValue(input).FullName;
            if (parse.GetValue(to) == "onnx")
                return ExportOnnx(source, parse.GetValue(output)?.FullName ?? Path.Combine(source, "onnx", "model.onnx"));
            string target = parse.GetValue(output)?.FullName ?? throw new ArgumentException("give --output: the vectors to write");
            var sourceFormat = Format(parse.GetValue(from), source);
            var targetFormat = Format(parse.GetValue(to), target);
            var options = bulk.Read(parse, parse.GetValue(vocab)?.FullName) with { Scale = parse.GetValue(scale) };
            long written = VectorFormats.Write(target, targetFormat, () => NonEmpty(VectorFormats.Read(source, sourceFormat, options), source), options);
            Console.WriteLine($"converted {written:N0} vectors: {source} ({sourceFormat}) -> {target} ({targetFormat})");
            if (targetFormat == VectorFormat.Bulk)
                Console.WriteLine($"wrote the index mapping to {bulk.WriteMapping(parse, target, options)}");
            return 0;
        }));
        return command;
    }

    private static int ExportOnnx(string model, string target)
    {
        if (!Directory.Exists(model))
            throw new DirectoryNotFoundException($"{model}: model directory not found (--to onnx reads config.json and model.safetensors from a directory)");
        var report = OnnxExporter.Export(model, target);
        Console.WriteLine($"exported {report.Kind} ({report.Layers} layers, {report.Parameters:N0} weights, {report.Nodes} operators, {report.Bytes / 1e6:F1} MB): {model} -> {target}");
        return 0;
    }

    private static VectorFormat Format(string? name, string path) =>
        name is null ? VectorFormats.FromPath(path)
        : VectorFormats.Names.TryGetValue(name, out var format) ? format
        : throw new ArgumentException($"unknown vector format '{name}'; known: {string.Join(", ", VectorFormats.Names.Keys)}");

    /// <summary>The records, failing (before the atomic write renames anything) when there are none.</summary>
    private static IEnumerable<Interop.Vectors.SparseVectorRecord> NonEmpty(IEnumerable<Interop.Vectors.SparseVectorRecord> records, string source)
    {
        bool any = false;
        foreach (var record in records)
        {
            any = true;
            yield return record;
        }
        if (!any)
            throw new InputException(source, 0, "no vectors (empty input)");
    }
}
