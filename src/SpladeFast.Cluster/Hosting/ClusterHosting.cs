using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using SpladeFast.Cluster.Placement;

namespace SpladeFast.Cluster.Hosting;

/// <summary>Where one silo listens and what it calls itself.</summary>
/// <param name="Name">The silo's name, unique in the cluster.</param>
/// <param name="Address">The address other silos and gateways reach it on (loopback by default).</param>
/// <param name="SiloPort">The TCP port silos talk to each other on.</param>
/// <param name="GatewayPort">The TCP port clients (gateways) connect to.</param>
public sealed record SiloEndpoint(string Name, IPAddress Address, int SiloPort, int GatewayPort);

/// <summary>Builds silo and gateway-client hosts from a <see cref="ClusterConfig"/>.</summary>
public static class ClusterHosting
{
    /// <summary>The ADO.NET invariant Orleans loads the PostgreSQL provider by.</summary>
    public const string PostgreSqlInvariant = "Npgsql";

    /// <summary>A silo host serving <paramref name="catalog"/>'s shards (the host owns and disposes the catalog).</summary>
    public static IHost CreateSilo(ClusterConfig config, SiloEndpoint endpoint, ShardCatalog catalog, LogLevel logLevel = LogLevel.Warning)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Services.AddSingleton(catalog);
        if (config.ReloadSeconds > 0)
            builder.Services.AddHostedService(services => new ShardReloader(catalog, TimeSpan.FromSeconds(config.ReloadSeconds), services.GetRequiredService<ILogger<ShardReloader>>()));
        builder.UseOrleans(silo =>
        {
            AddShardServing(silo, config);
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (config.ClusterId, config.ServiceId));
            silo.Configure<SiloOptions>(o => o.SiloName = endpoint.Name);
            silo.ConfigureEndpoints(endpoint.Address, endpoint.SiloPort, endpoint.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(endpoint.Address));
            if (config.Membership == MembershipKind.PostgreSql)
            {
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgreSqlInvariant, config.ConnectionString));
            }
            else
            {
                silo.UseDevelopmentClustering(IPEndPoint.Parse(config.PrimarySilo!));
            }
        });
        return builder.Build();
    }

    /// <summary>A client host that connects a gateway to the cluster's silos.</summary>
    public static IHost CreateClient(ClusterConfig config, LogLevel logLevel = LogLevel.Warning)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (config.ClusterId, config.ServiceId));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(config.ResponseTimeoutSeconds));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(Math.Max(1, config.RefreshSeconds)));
            if (config.Membership == MembershipKind.PostgreSql)
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgreSqlInvariant, config.ConnectionString));
            else
                client.UseStaticClustering(config.Gateways.Select(IPEndPoint.Parse).ToArray());
        });
        return builder.Build();
    }

    /// <summary>
    /// What every silo serving shards needs: the placement that keeps the silo's grain on the silo holding the files,
    /// and quick failure detection. The <see cref="ShardCatalog"/> itself is registered by the caller.
    /// </summary>
    public static ISiloBuilder AddShardServing(ISiloBuilder silo, ClusterConfig config)
    {
        silo.Services.AddPlacementDirector<SiloPinnedPlacementStrategy, SiloPinnedPlacementDirector>();
        silo.Configure<ClusterMembershipOptions>(o => FastFailureDetection(o, config));
        return silo;
    }

    /// <summary>
    /// A dead silo is declared dead after about two missed probes of <see cref="ClusterConfig.ProbeTimeoutSeconds"/>
    /// rather than Orleans' default three of 5 s; the gateway stops asking it at its first failed call anyway.
    /// </summary>
    private static void FastFailureDetection(ClusterMembershipOptions options, ClusterConfig config)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(config.ProbeTimeoutSeconds);
        options.NumMissedProbesLimit = 2;
    }
}
