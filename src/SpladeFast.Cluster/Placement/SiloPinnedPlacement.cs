using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace SpladeFast.Cluster.Placement;

/// <summary>Places a grain on the silo its key names (<see cref="SiloKeys"/>), and nowhere else.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloPinnedPlacementStrategy : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(new SiloPinnedPlacementStrategy());

/// <summary>
/// The director of <see cref="SiloPinnedPlacementStrategy"/>: the silo named by the grain key when it is an active,
/// compatible silo. A silo's grain is never moved (another silo lacks its files): when the silo is gone the call fails
/// with <see cref="SiloUnavailableException"/> and the gateway asks another replica.
/// </summary>
public sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString();
        if (!SiloKeys.TryParse(key, out var silo))
            throw new ArgumentException($"grain key '{key}' does not start with a silo address");
        if (!context.GetCompatibleSilos(target).Contains(silo))
            throw new SiloUnavailableException($"silo {silo} of grain {target.GrainIdentity} is not an active member of the cluster");
        return Task.FromResult(silo);
    }
}
