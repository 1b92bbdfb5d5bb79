namespace SpladeFast.Storage;

/// <summary>
/// The leases on a shared, closable resource (a mapped index, a snapshot): one is the owner's from the start, each
/// user takes one more; the release of the last tells the caller to close it. A lease cannot be taken once the count
/// has reached zero, so nothing is used after it is closed. Thread-safe.
/// </summary>
public sealed class LeaseCount
{
    private int _leases = 1;

    /// <summary>Leases held now.</summary>
    public int Current => Volatile.Read(ref _leases);

    /// <summary>Takes a lease; false once the resource is closed (or closing).</summary>
    public bool TryAcquire()
    {
        int leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            int seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases)
                return true;
            leases = seen;
        }
        return false;
    }

    /// <summary>Ends a lease; true when it was the last, and the caller closes the resource.</summary>
    /// <exception cref="InvalidOperationException">More releases than leases.</exception>
    public bool Release(string resource)
    {
        int left = Interlocked.Decrement(ref _leases);
        if (left < 0)
            throw new InvalidOperationException($"{resource} released more often than leased");
        return left == 0;
    }
}
