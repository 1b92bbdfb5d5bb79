using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpladeFast.Cluster.Hosting;

namespace SpladeFast.Cluster.Gateway;

/// <summary>A gateway's connection: the Orleans client host and the <see cref="ClusterGateway"/> reading the cluster through it.</summary>
public sealed class ClusterConnection : IAsyncDisposable, IDisposable
{
    private readonly IHost _client;

    private ClusterConnection(IHost client, ClusterGateway gateway)
    {
        _client = client;
        Gateway = gateway;
    }

    public ClusterGateway Gateway { get; }

    /// <summary>Connects and reads the cluster's shards, waiting up to <paramref name="wait"/> for every expected shard.</summary>
    /// <exception cref="InvalidOperationException">No silo could be reached, or none listed shards, within the wait.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterConfig config, TimeSpan wait, LogLevel logLevel = LogLevel.Warning)
    {
        var client = ClusterHosting.CreateClient(config, logLevel);
        try
        {
            try
            {
                await client.StartAsync().ConfigureAwait(false);
            }
            catch (OrleansException e)
            {
                throw new InvalidOperationException($"cannot reach the cluster '{config.ClusterId}': {e.Message}", e);
            }
            var logger = client.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SpladeFast.Cluster.Gateway");
            var gateway = await ClusterGateway.ConnectAsync(client.Services.GetRequiredService<IClusterClient>(), config, wait, logger).ConfigureAwait(false);
            return new ClusterConnection(client, gateway);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync().ConfigureAwait(false);
        await _client.StopAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
