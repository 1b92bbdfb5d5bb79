using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpladeFast.Tests.Cluster;

/// <summary>
/// A PostgreSQL server for the cluster tests: the one <c>.ci/run</c> started (its connection string in
/// <see cref="EnvironmentVariable"/>), or a throwaway one started here on a free loopback port in a temporary
/// directory (as the <c>postgres</c> user when the tests run as root, which PostgreSQL refuses) and stopped by pid.
/// </summary>
internal sealed class LocalPostgres : IDisposable
{
    public const string EnvironmentVariable = "SPLADE_FAST_TEST_POSTGRES";

    private readonly string? _dataDirectory;
    private readonly string? _binaries;

    private LocalPostgres(string connectionString, string? dataDirectory, string? binaries)
    {
        ConnectionString = connectionString;
        _dataDirectory = dataDirectory;
        _binaries = binaries;
    }

    public string ConnectionString { get; }

    /// <summary>The server, or null with the reason none could be had (tests skip with it).</summary>
    public static LocalPostgres? Start(out string reason)
    {
        reason = "";
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
            return new LocalPostgres(given, null, null);
        var binaries = new[] { Environment.GetEnvironmentVariable("PATH") ?? "" }.SelectMany(p => p.Split(':'))
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Order().Reverse().Select(v => Path.Combine(v, "bin")) : [])
            .FirstOrDefault(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (binaries is null)
        {
            reason = $"PostgreSQL (initdb, pg_ctl) is not installed and {EnvironmentVariable} is not set; .ci/run installs and starts it";
            return null;
        }
        bool root = Environment.UserName == "root";
        if (root && !File.Exists("/usr/sbin/runuser"))
        {
            reason = "running as root without runuser: PostgreSQL refuses to run as root";
            return null;
        }
        string data = Directory.CreateTempSubdirectory("splade-fast-pg-").FullName;
        int port = FreePort();
        var server = new LocalPostgres($"Host=127.0.0.1;Port={port};Username=splade;Database=postgres;Pooling=true", data, binaries);
        try
        {
            if (root)
                Run("/bin/chown", ["-R", "postgres", data]);
            server.RunAs(root, "initdb", ["-D", data, "-A", "trust", "-U", "splade", "-E", "UTF8", "--no-sync"]);
            server.RunAs(root, "pg_ctl", ["-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60",
                "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c max_connections=50", "start"]);
            return server;
        }
        catch (InvalidOperationException e)
        {
            server.Dispose();
            reason = $"could not start PostgreSQL from {binaries}: {e.Message}";
            return null;
        }
    }

    public void Dispose()
    {
        if (_dataDirectory is null)
            return;
        // By pid: the postmaster's pid is the first line of postmaster.pid; SIGQUIT is PostgreSQL's immediate shutdown.
        string pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out int pid))
        {
            try
            {
                using var postmaster = Process.GetProcessById(pid);
                Run("/bin/kill", ["-QUIT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                if (!postmaster.WaitForExit(10_000))
                    postmaster.Kill();
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a temporary directory; the OS cleans it up
        }
    }

    private void RunAs(bool root, string tool, string[] arguments)
    {
        string path = Path.Combine(_binaries!, tool);
        if (root)
            Run("/usr/sbin/runuser", ["-u", "postgres", "--", path, .. arguments]);
        else
            Run(path, arguments);
    }

    private static void Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(90_000))
        {
            process.Kill();
            throw new InvalidOperationException($"{file} did not finish in 90 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{output.Result}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
