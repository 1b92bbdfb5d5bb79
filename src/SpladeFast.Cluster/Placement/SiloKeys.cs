using System.Diagnostics.CodeAnalysis;

namespace SpladeFast.Cluster.Placement;

/// <summary>
/// Grain keys that name the silo a grain must live on: the silo's address (<see cref="SiloAddress.ToParsableString"/>,
/// which includes its generation, so a restarted silo gets fresh grains), then for a replica '/' and the shard name.
/// </summary>
public static class SiloKeys
{
    public static string Silo(SiloAddress silo) => silo.ToParsableString();

    public static string Replica(SiloAddress silo, string shard) => $"{silo.ToParsableString()}/{shard}";

    /// <summary>The silo and (for a replica key) shard name of a key.</summary>
    public static bool TryParse(string key, [NotNullWhen(true)] out SiloAddress? silo, out string? shard)
    {
        int slash = key.IndexOf('/', StringComparison.Ordinal);
        shard = slash < 0 ? null : key[(slash + 1)..];
        try
        {
            silo = SiloAddress.FromParsableString(slash < 0 ? key : key[..slash]);
            return true;
        }
        catch (FormatException)
        {
            silo = null;
            return false;
        }
    }
}
