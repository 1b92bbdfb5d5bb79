using System.CommandLine;
using Microsoft.Extensions.Hosting;
using SpladeFast.Server;
using SpladeFast.Shards;

namespace SpladeFast.Cli.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Shards();
        var queryEncoder = new QueryEncoderOptions();
        var host = new Option<string>("--host") { Description = "Address to listen on; the default keeps the server on this machine (0.0.0.0: every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "TCP port (0: any free port).", DefaultValueFactory = _ => 8080 };
        var algorithm = CommonOptions.Algorithm();
        algorithm.DefaultValueFactory = _ => "block_max_maxscore";
        algorithm.Description = "Algorithm for requests that name none.";
        var maxK = new Option<int>("--max-k") { Description = "Largest k a request may ask for.", DefaultValueFactory = _ => 10_000 }.AtLeast(1);
        var command = new Command("serve", "Serve searches over HTTP: POST /search {\"vector\": {token: weight}} or {\"text\": ...}, k, algorithm; GET /health; GET /stats.")
        {
            index, host, port, algorithm, maxK,
        };
        foreach (var option in queryEncoder.All)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var shards = ShardSet.Open(CommonOptions.ReadShards(parse, index));
            using var encoder = queryEncoder.Create(parse);
            var options = new SearchServiceOptions { DefaultAlgorithm = parse.GetRequiredValue(algorithm), MaxK = parse.GetValue(maxK) };
            string url = $"http://{parse.GetRequiredValue(host)}:{parse.GetValue(port)}";
            using var app = SearchServer.Create(new SearchService(shards, encoder, options), url, options);
            app.Start();
            Console.WriteLine($"serving {shards.TotalDocuments:N0} documents from {shards.Shards.Count} index file(s) on {string.Join(", ", SearchServer.Addresses(app))}"
                + (encoder is null ? " (vector queries only)" : $" (text queries: {encoder.Name})") + "; Ctrl+C stops");
            app.WaitForShutdown();
            return 0;
        }));
        return command;
    }
}
