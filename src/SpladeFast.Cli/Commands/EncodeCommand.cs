using System.CommandLine;
using SpladeFast.Build;
using SpladeFast.Cli.Output;
using SpladeFast.Ingest;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Shards;

namespace SpladeFast.Cli.Commands;

internal static class EncodeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A Hugging Face SPLADE checkpoint directory (config.json, model.safetensors, vocab.txt), or 'bm25' (with --vocab).", Required = true };
        var input = new Option<FileInfo>("--input", "-I") { Description = "Texts: JSONL ({\"_id\", \"title\", \"text\"} or {\"id\", \"contents\"}) or TSV (id<TAB>text), plain or .gz.", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Vectors in the index's input format (Anserini JsonVectorCollection), .gz to compress.", Required = true }.WritableFile();
        var threads = new Option<int>("--threads", "-t") { Description = "CPU threads for the model (0: the backend's default: TorchSharp's, or ONNX Runtime's physical cores).", DefaultValueFactory = _ => 0 };
        var shard = new Option<string?>("--shard") { Description = "i/n: encode only every n-th text starting at the i-th (0-based), so n machines can share a corpus." };
        var encoderOptions = new TextEncoderOptions(defaultMaxLength: 256);
        var command = new Command("encode", "Encode a text collection into sparse vectors (SPLADE checkpoint or BM25 over WordPiece tokens).") { model, input, output, threads, shard };
        foreach (var option in encoderOptions.All)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            var (part, parts) = parse.GetValue(shard) is { } text ? ShardSpec.Parse(text) : ShardSpec.Whole;
            string inputPath = parse.GetRequiredValue(input).FullName;
            using var encoder = encoderOptions.Create(parse.GetRequiredValue(model), parse, parse.GetValue(threads));
            // The rate covers every pass over the texts: counting, BM25's fitting pass and encoding.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long written = ProgressDisplay.Run(progress =>
            {
                long total = TextCorpus.Read(inputPath).LongCount();
                if (total == 0)
                    throw new InputException(inputPath, 0, "no texts (empty input)");
                if (encoder is Bm25DocumentEncoder bm25)
                    bm25.Fit(Reported(TextCorpus.Read(inputPath), "fitting bm25", total, progress).Select(r => r.Text));
                using var writer = new JsonVectorWriter(parse.GetRequiredValue(output).FullName);
                TextEncoderFactory.EncodeTo(encoder, TextCorpus.Read(inputPath).Where((_, i) => i % parts == part), writer,
                    done => progress.Report(new BuildProgress($"encoding ({encoder.Name})", done, (total + parts - 1 - part) / parts, "texts")));
                writer.Commit();
                return writer.Count;
            });
            Console.WriteLine($"encoded {written:N0} texts with {encoder.Name} -> {parse.GetRequiredValue(output)} in {clock.Elapsed.TotalSeconds:F1} s ({written / Math.Max(1e-9, clock.Elapsed.TotalSeconds):F1} texts/s)");
            return 0;
        }));
        return command;
    }

    private static IEnumerable<T> Reported<T>(IEnumerable<T> texts, string stage, long total, IProgress<BuildProgress> progress)
    {
        long done = 0;
        foreach (var text in texts)
        {
            yield return text;
            if ((++done & 1023) == 0)
                progress.Report(new BuildProgress(stage, done, total, "texts"));
        }
        progress.Report(new BuildProgress(stage, done, done, "texts"));
    }
}
