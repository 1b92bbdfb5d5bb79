using System.CommandLine;
using SpladeFast.Algorithms;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using SpladeFast.Cluster.Gateway;
using SpladeFast.Server;

namespace SpladeFast.Cli.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Shards();
        index.Required = false;
        var cluster = ClusterCommand.ConfigOption("Serve the shards of a cluster (silos started with 'cluster silo') instead of --index files; the config file as for the silos.");
        var queryEncoder = new QueryEncoderOptions();
        var host = new Option<string>("--host") { Description = "Address to listen on; the default keeps the server on this machine (0.0.0.0: every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "TCP port (0: any free port).", DefaultValueFactory = _ => 8080 };
        var algorithm = CommonOptions.Algorithm();
        algorithm.Description = $"Algorithm for requests that name none; {SearchAlgorithms.Auto}: the fastest exact one for the index and the request's k (bmp with --bmp data and k <= documents / {SearchAlgorithms.DocumentsPerBmpResult}, else ranked_or_taat).";
        var maxK = new Option<int>("--max-k") { Description = "Largest k a request may ask for.", DefaultValueFactory = _ => 10_000 }.AtLeast(1);
        var flushAfter = new Option<double>("--flush-seconds") { Description = "Live index: the buffer becomes a segment once its oldest document is this old (merges follow in the background).", DefaultValueFactory = _ => 1.0 };
        index.Description += " Or a live index directory: then POST /documents and DELETE /documents/{id} write to it.";
        var command = new Command("serve", "Serve searches over HTTP: POST /search {\"vector\": {token: weight}} or {\"text\": ...}, k, algorithm; GET /health; GET /stats; POST /admin/reload (or SIGHUP) reopens the index files.")
        {
            index, cluster, host, port, algorithm, maxK, flushAfter,
        };
        foreach (var option in queryEncoder.All)
            command.Add(option);
        command.SetAction(parse => CliAction.Run(() =>
        {
            using var encoder = queryEncoder.Create(parse);
            var options = new SearchServiceOptions { DefaultAlgorithm = parse.GetRequiredValue(algorithm), MaxK = parse.GetValue(maxK) };
            using var connection = parse.GetValue(cluster) is { } config ? ClusterCommand.Connect(config) : null;
            var paths = connection is null && parse.GetValue(index) is { Length: > 0 } ? CommonOptions.ReadShards(parse, index) : [];
            if (connection is null && paths.Count == 0)
                throw new ArgumentException("give --index FILES (or a live index directory) or --cluster CONFIG");
            using var live = paths.Count == 1 && Live.LiveIndex.IsLiveIndex(paths[0]) ? Live.LiveIndex.Open(paths[0]) : null;
            live?.StartBackgroundWork(TimeSpan.FromSeconds(parse.GetValue(flushAfter)));
            using var service = connection is not null ? new SearchService(() => connection.Gateway.Current, encoder, options, new LiveShardWriter(connection.Gateway))
                : live is not null ? new SearchService(live, encoder, options)
                : new SearchService(paths, encoder, options);
            if (connection is not null)
                connection.Gateway.ShardsChanged += () => Reload(service); // a new shard or a replaced file: a new generation
            string url = $"http://{parse.GetRequiredValue(host)}:{parse.GetValue(port)}";
            using var app = SearchServer.Create(service, url, options);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
            {
                signal.Cancel = true; // SIGHUP would end the process; here it asks for a reload
                _ = Task.Run(() => Reload(service));
            });
            app.Start();
            var stats = service.Stats();
            Console.WriteLine($"serving {stats.Documents:N0} documents from {stats.Files.Count} index file(s) on {string.Join(", ", SearchServer.Addresses(app))}"
                + (encoder is null ? " (vector queries only)" : $" (text queries: {encoder.Name})")
                + $"; kill -HUP {Environment.ProcessId} or POST /admin/reload reloads the index, Ctrl+C stops");
            app.WaitForShutdown();
            return 0;
        }));
        return command;
    }

    private static void Reload(SearchService service)
    {
        try
        {
            var stats = service.Reload();
            Console.WriteLine($"reloaded: generation {stats.Generation}, {stats.Documents:N0} documents from "
                + string.Join(", ", stats.Files.Select(f => $"{f.Path} (header checksum {f.HeaderChecksum})")));
        }
        catch (ReloadException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
        }
        catch (ObjectDisposedException)
        {
            Console.Error.WriteLine("reload skipped: the server is stopping");
        }
    }
}
