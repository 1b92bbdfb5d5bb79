using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpladeFast.Cluster.Hosting;

/// <summary>How silos find each other and gateways find silos.</summary>
public enum MembershipKind
{
    /// <summary>Every silo joins through <see cref="ClusterConfig.PrimarySilo"/>; for one machine and tests.</summary>
    Development,
    /// <summary>Orleans ADO.NET clustering on PostgreSQL (schema from <c>cluster init-db</c>).</summary>
    PostgreSql,
}

/// <summary>
/// The cluster config file (JSON, snake_case), the same for every silo and gateway of a cluster: see the README's
/// "Cluster" section. Unknown fields are errors.
/// </summary>
public sealed record ClusterConfig
{
    public string ClusterId { get; set; } = "splade-fast";
    public string ServiceId { get; set; } = "splade-fast";
    public MembershipKind Membership { get; set; } = MembershipKind.Development;
    /// <summary>PostgreSQL connection string (Npgsql syntax), for <see cref="MembershipKind.PostgreSql"/>.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>The primary silo's silo-to-silo endpoint, host:port, for <see cref="MembershipKind.Development"/>.</summary>
    public string? PrimarySilo { get; set; }
    /// <summary>Silo gateway endpoints (host:port) a gateway connects to, for <see cref="MembershipKind.Development"/>.</summary>
    public List<string> Gateways { get; set; } = [];
    /// <summary>Shard names (file names) the collection has: a gateway reports those it has never seen as missing.</summary>
    public List<string> Shards { get; set; } = [];
    /// <summary>Seconds a silo waits for a probe answer before suspecting its peer (Orleans ProbeTimeout).</summary>
    public double ProbeTimeoutSeconds { get; set; } = 2;
    /// <summary>Seconds a gateway waits for a shard's answer before trying another replica.</summary>
    public double ResponseTimeoutSeconds { get; set; } = 10;
    /// <summary>Seconds between a gateway's reads of membership and of new silos' shards.</summary>
    public double RefreshSeconds { get; set; } = 1;
    /// <summary>Seconds between a silo's looks at its shard files for replaced, new or removed ones (0: never).</summary>
    public double ReloadSeconds { get; set; } = 5;

    /// <exception cref="InvalidDataException">The file is not valid JSON of this shape, or is inconsistent; names the file.</exception>
    public static ClusterConfig Load(string path)
    {
        ClusterConfig config;
        try
        {
            using var stream = File.OpenRead(path);
            config = JsonSerializer.Deserialize(stream, ClusterConfigJson.Default.ClusterConfig) ?? throw new InvalidDataException($"{path}: the config is JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: bad cluster config: {Ingest.JsonErrors.Reason(e)}", e);
        }
        if (config.Validate() is { } problem)
            throw new InvalidDataException($"{path}: {problem}");
        return config;
    }

    public string ToJson() => JsonSerializer.Serialize(this, ClusterConfigJson.Default.ClusterConfig);

    /// <summary>What is wrong with the config, or null.</summary>
    public string? Validate() => Membership switch
    {
        MembershipKind.PostgreSql when string.IsNullOrWhiteSpace(ConnectionString) => "membership postgresql needs connection_string",
        MembershipKind.Development when PrimarySilo is null || !IPEndPoint.TryParse(PrimarySilo, out _) => "membership development needs primary_silo as address:port",
        MembershipKind.Development when Gateways.Count == 0 || Gateways.Any(g => !IPEndPoint.TryParse(g, out _)) => "membership development needs gateways as a list of address:port",
        _ when ProbeTimeoutSeconds <= 0 || ResponseTimeoutSeconds <= 0 || RefreshSeconds <= 0 => "timeouts and refresh period must be positive",
        _ when ReloadSeconds < 0 || double.IsNaN(ReloadSeconds) => "reload_seconds must be 0 (never) or positive",
        _ => null,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true, WriteIndented = true)]
[JsonSerializable(typeof(ClusterConfig))]
internal sealed partial class ClusterConfigJson : JsonSerializerContext;
