using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SpladeFast.Cluster.Hosting;

/// <summary>
/// Reloads a silo's <see cref="ShardCatalog"/> every period, so a shard file built elsewhere and renamed over the
/// old one is served within a period (gateways see its new checksum at their next refresh).
/// </summary>
public sealed class ShardReloader(ShardCatalog catalog, TimeSpan period, ILogger<ShardReloader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var result = catalog.Reload();
            if (result.Changed)
                logger.LogWarning("silo {Silo} reloaded its shards: {Result}", catalog.SiloName, result);
            foreach (var (path, error) in result.Failed)
                logger.LogError("silo {Silo} could not reload {Path}: {Error}", catalog.SiloName, path, error);
        }
    }
}
