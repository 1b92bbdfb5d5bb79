namespace SpladeFast.Quantize;

/// <summary>
/// Float weights to integer impacts. <see cref="Fixed"/> is naver/splade's Anserini export, round(w x scale)
/// (half to even, as Python's round), dropping weights that round to 0. <see cref="Linear"/> is PISA's
/// linear quantizer: scale = (2^bits - 1) / max weight, and every positive weight keeps at least impact 1.
/// </summary>
public readonly record struct ImpactQuantizer(double Scale, int Bits)
{
    /// <summary>Impacts are stored in 16 bits while building; the format itself allows 32.</summary>
    public const uint MaxStorableImpact = ushort.MaxValue;

    public static ImpactQuantizer Fixed(double scale = 100)
    {
        if (!(scale > 0) || !double.IsFinite(scale))
            ThrowHelper.ArgumentOutOfRange(nameof(scale), "Scale must be a positive number.");
        return new ImpactQuantizer(scale, 0);
    }

    public static ImpactQuantizer Linear(int bits, double maxWeight)
    {
        if (bits is not (8 or 16))
            ThrowHelper.ArgumentOutOfRange(nameof(bits), "Linear quantization takes 8 or 16 bits.");
        double scale = maxWeight > 0 ? ((1u << bits) - 1) / maxWeight : 1;
        return new ImpactQuantizer(scale, bits);
    }

    public uint MaxImpact => Bits == 0 ? MaxStorableImpact : (1u << Bits) - 1;

    /// <summary>False when the weight is too large for the impact range.</summary>
    public bool TryQuantize(double weight, out uint impact)
    {
        double scaled = Math.Round(weight * Scale, MidpointRounding.ToEven);
        if (Bits != 0 && weight > 0)
            scaled = Math.Clamp(scaled, 1, MaxImpact);
        if (scaled > MaxImpact)
        {
            impact = 0;
            return false;
        }
        impact = (uint)scaled;
        return true;
    }

    public string Describe() => Bits == 0 ? $"fixed: round(w * {Scale:R})" : $"linear {Bits}-bit: scale {Scale:R}";
}

/// <summary>Query weights become integers too, so every algorithm sums exactly the same integers.</summary>
public static class QueryWeights
{
    /// <summary>JSONL float query weights are multiplied by this before rounding (as document weights).</summary>
    public const double DefaultFloatScale = 100;

    public static uint Quantize(double weight, double scale) =>
        (uint)Math.Min(uint.MaxValue, Math.Round(weight * scale, MidpointRounding.ToEven));
}
