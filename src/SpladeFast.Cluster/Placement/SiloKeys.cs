using System.Diagnostics.CodeAnalysis;

namespace SpladeFast.Cluster.Placement;

/// <summary>
/// Grain keys that name the silo a grain must live on: the silo's address (<see cref="SiloAddress.ToParsableString"/>,
/// which includes its generation, so a restarted silo gets a fresh grain).
/// </summary>
public static class SiloKeys
{
    public static string Silo(SiloAddress silo) => silo.ToParsableString();

    /// <summary>The silo a key names.</summary>
    public static bool TryParse(string key, [NotNullWhen(true)] out SiloAddress? silo)
    {
        try
        {
            silo = SiloAddress.FromParsableString(key);
            return true;
        }
        catch (FormatException)
        {
            silo = null;
            return false;
        }
    }
}
