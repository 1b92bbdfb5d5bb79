using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Splade;
using SpladeFast.Server;

// splade-fast-server: `splade-fast serve` for machines that only serve. Text queries run on ONNX Runtime (and on
// TorchSharp only in a -p:WithTorch=true build), so a deployment carries no libtorch.
const string Usage = "usage: splade-fast-server --index FILE[,FILE...] [--host 127.0.0.1] [--port 8080] [--algorithm auto] [--max-k 10000]\n"
    + "                          [--query-model DIR [--backend auto|onnx|torch] [--quantize none|int8] [--max-length 32] [--threads 0]]";

System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
SpladeFast.Onnx.OnnxBackend.Register();
#if WITH_TORCH
SpladeFast.Model.Encoding.TorchBackend.Register();
#endif

var values = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--host"] = "127.0.0.1", ["--port"] = "8080", ["--algorithm"] = "auto", ["--max-k"] = "10000",
    ["--backend"] = EncoderBackends.Auto, ["--quantize"] = "none", ["--max-length"] = "32", ["--threads"] = "0",
};
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "-h" or "--help")
    {
        Console.WriteLine(Usage);
        return 0;
    }
    if (!(values.ContainsKey(args[i]) || args[i] is "--index" or "--query-model") || i + 1 == args.Length)
    {
        Console.Error.WriteLine($"error: {(i + 1 == args.Length && args[i].StartsWith("--", StringComparison.Ordinal) ? $"{args[i]} needs a value" : $"unknown argument {args[i]}")}\n{Usage}");
        return 2;
    }
    values[args[i]] = args[++i];
}
if (!values.TryGetValue("--index", out string? index))
{
    Console.Error.WriteLine($"error: --index is required\n{Usage}");
    return 2;
}
int Number(string name) => int.TryParse(values[name], out int value) && value >= 0 ? value
    : throw new ArgumentException($"{name} must be a non-negative integer, not '{values[name]}'");

try
{
    using ITextEncoder? encoder = values.TryGetValue("--query-model", out string? model)
        ? TextEncoderFactory.Create(model, new TextEncoderSettings
        {
            Backend = values["--backend"],
            Encode = new EncodeOptions { MaxLength = Number("--max-length"), BatchSize = 1 },
            Model = new BackendSettings { Quantize = values["--quantize"], Threads = Number("--threads") },
        })
        : null;
    var options = new SearchServiceOptions { DefaultAlgorithm = values["--algorithm"], MaxK = Math.Max(1, Number("--max-k")) };
    using var service = new SearchService(index.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), encoder, options);
    using var app = SearchServer.Create(service, $"http://{values["--host"]}:{Number("--port")}", options);
    using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
    {
        signal.Cancel = true; // SIGHUP would end the process; here it asks for a reload
        _ = Task.Run(() =>
        {
            try
            {
                Console.WriteLine($"reloaded: generation {service.Reload().Generation}");
            }
            catch (Exception e) when (e is ReloadException or ObjectDisposedException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
            }
        });
    });
    app.Start();
    var stats = service.Stats();
    Console.WriteLine($"serving {stats.Documents:N0} documents on {string.Join(", ", SearchServer.Addresses(app))}"
        + (encoder is null ? " (vector queries only)" : $" (text queries: {encoder.Name})") + "; Ctrl+C stops");
    app.WaitForShutdown();
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException
    or SpladeFast.Ingest.InputException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
