using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Hosting;
using SpladeFast.Cluster.Gateway;
using SpladeFast.Cluster.Hosting;
using SpladeFast.Cluster.Membership;
using SpladeFast.Cluster.Planning;

namespace SpladeFast.Cli.Commands;

/// <summary><c>cluster silo|init-db|plan</c>, and the <c>--cluster</c> option of <c>serve</c> and <c>query</c>.</summary>
internal static class ClusterCommand
{
    /// <summary>How long a gateway waits at start for every expected shard to be seen.</summary>
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(30);

    public static Command Create() => new("cluster", "Serve shards across machines on Microsoft Orleans: silos hold shard files, 'serve --cluster' and 'query --cluster' answer exactly from them.")
    {
        Silo(), InitDb(), Plan(),
    };

    /// <summary>The <c>--cluster CONFIG</c> option.</summary>
    public static Option<FileInfo?> ConfigOption(string description) =>
        new("--cluster") { Description = description, HelpName = "config.json" };

    /// <summary>Connects a gateway to the cluster a config file describes.</summary>
    public static ClusterConnection Connect(FileInfo config)
    {
        var connection = ClusterConnection.ConnectAsync(ClusterConfig.Load(config.FullName), ConnectWait).GetAwaiter().GetResult();
        var current = connection.Gateway.Current;
        Console.Error.WriteLine($"cluster: {current.Shards.Count} shards, {current.Documents:N0} documents, {connection.Gateway.Replicas.Values.Sum(r => r.Length)} replicas up"
            + (current.NeverSeen.Count > 0 ? $"; never seen: {string.Join(", ", current.NeverSeen)} (answers are flagged partial)" : ""));
        return connection;
    }

    private static Command Silo()
    {
        var shards = new Option<string[]>("--shards")
        {
            Description = "Shard index files, directories whose *.sfi files are shards, or live index directories ('live create'; this silo holds their writable copy and takes their writes) (a,b or repeated); a shard's file name (a live shard's directory name) is its name in the cluster.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var config = ConfigOption("Cluster config file (JSON; see the README's Cluster section).");
        config.Required = true;
        var name = new Option<string>("--name") { Description = "Silo name, in logs and /stats.", DefaultValueFactory = _ => $"{Environment.MachineName}-{Environment.ProcessId}" };
        var address = new Option<string>("--address") { Description = "Address other silos and gateways reach this silo on (loopback keeps the cluster on this machine).", DefaultValueFactory = _ => "127.0.0.1" };
        var siloPort = new Option<int>("--silo-port") { Description = "TCP port for silo-to-silo traffic.", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "TCP port gateways (serve/query --cluster) connect to.", DefaultValueFactory = _ => 30000 };
        var flushAfter = new Option<double>("--flush-seconds") { Description = "Live shards: the buffer becomes a segment once its oldest document is this old (merges follow in the background).", DefaultValueFactory = _ => 1.0 };
        var command = new Command("silo", "Run a silo: serve the shards given, as replicas placed on this silo only; Ctrl+C or SIGTERM stops.")
        {
            shards, config, name, address, siloPort, gatewayPort, flushAfter,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var cluster = ClusterConfig.Load(parse.GetRequiredValue(config)!.FullName);
            if (!IPAddress.TryParse(parse.GetRequiredValue(address), out var ip))
                throw new ArgumentException($"--address {parse.GetRequiredValue(address)}: expected an IP address");
            var endpoint = new SiloEndpoint(parse.GetRequiredValue(name), ip, parse.GetValue(siloPort), parse.GetValue(gatewayPort));
            var catalog = ShardCatalog.Open(endpoint.Name, CommonOptions.ReadShards(parse, shards), TimeSpan.FromSeconds(parse.GetValue(flushAfter)));
            using var host = ClusterHosting.CreateSilo(cluster, endpoint, catalog);
            try
            {
                host.Start();
            }
            catch (OrleansException e)
            {
                throw new InvalidOperationException($"silo {endpoint.Name} could not join cluster '{cluster.ClusterId}': {e.Message}", e);
            }
            Console.WriteLine($"silo {endpoint.Name} (pid {Environment.ProcessId}) serving {catalog.Names.Count} shards ({string.Join(", ", catalog.Names.Order(StringComparer.Ordinal))}) "
                + $"on {endpoint.Address}:{endpoint.SiloPort}, gateway port {endpoint.GatewayPort}; Ctrl+C stops");
            host.WaitForShutdown();
            return 0;
        }));
        return command;
    }

    private static Command InitDb()
    {
        var config = ConfigOption("Cluster config file whose connection_string names the PostgreSQL database.");
        config.Required = true;
        var command = new Command("init-db", "Create Orleans' membership tables in the PostgreSQL database of the config (once per database; nothing is changed when they exist).")
        {
            config,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var cluster = ClusterConfig.Load(parse.GetRequiredValue(config)!.FullName);
            if (cluster.Membership != MembershipKind.PostgreSql)
                throw new ArgumentException("init-db is for membership postgresql; development membership needs no database");
            bool applied;
            try
            {
                applied = PostgreSqlSchema.ApplyAsync(cluster.ConnectionString!).GetAwaiter().GetResult();
            }
            catch (Npgsql.NpgsqlException e)
            {
                throw new InvalidOperationException($"PostgreSQL: {e.Message}", e);
            }
            Console.WriteLine(applied ? "applied the Orleans clustering schema (PostgreSQL-Main.sql, PostgreSQL-Clustering.sql)" : "the Orleans clustering schema is already there; nothing changed");
            return 0;
        }));
        return command;
    }

    private static Command Plan()
    {
        var docs = new Option<long>("--docs") { Description = "Documents in the collection.", Required = true };
        var shards = new Option<int>("--shards") { Description = "Shards (round-robin parts, index --shard i/n).", Required = true }.AtLeast(1);
        var replicas = new Option<int>("--replicas") { Description = "Copies of each shard, on different silos.", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var silos = new Option<int?>("--silos") { Description = "Silos (machines); default: one per shard." };
        var input = new Option<string>("--input") { Description = "The collection file, as the index commands should name it.", DefaultValueFactory = _ => "COLLECTION" };
        var command = new Command("plan", "Print which silo builds and serves which shard, with the commands each runs.")
        {
            docs, shards, replicas, silos, input,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var plan = ClusterPlan.Make(parse.GetValue(docs), parse.GetValue(shards), parse.GetValue(replicas), parse.GetValue(silos) ?? parse.GetValue(shards));
            Console.Write(plan.Render(parse.GetRequiredValue(input)));
            return 0;
        }));
        return command;
    }
}
