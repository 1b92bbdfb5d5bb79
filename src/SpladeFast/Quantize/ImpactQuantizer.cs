using System.Globalization;
using SpladeFast.Format;

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

    /// <summary>round(w x <paramref name="scale"/>), half to even (naver/splade's Anserini export).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not a positive finite number.</exception>
    public static ImpactQuantizer Fixed(double scale = 100)
    {
        if (!(scale > 0) || !double.IsFinite(scale))
            ThrowHelper.ArgumentOutOfRange(nameof(scale), "Scale must be a positive number.");
        return new ImpactQuantizer(scale, 0);
    }

    /// <summary>PISA's linear quantizer: scale = (2^bits - 1) / <paramref name="maxWeight"/> (1 when no weight is positive).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is not 8 or 16.</exception>
    public static ImpactQuantizer Linear(int bits, double maxWeight)
    {
        if (bits is not (8 or 16))
            ThrowHelper.ArgumentOutOfRange(nameof(bits), "Linear quantization takes 8 or 16 bits.");
        double scale = maxWeight > 0 ? ((1u << bits) - 1) / maxWeight : 1;
        return new ImpactQuantizer(scale, bits);
    }

    /// <summary>The largest impact it produces: 2^bits - 1, or <see cref="MaxStorableImpact"/> for the fixed scale.</summary>
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

    /// <summary>The quantization as the Metadata section records it, culture-invariant (e.g. "fixed: round(w * 100)").</summary>
    public string Describe() => Bits == 0
        ? string.Create(CultureInfo.InvariantCulture, $"fixed: round(w * {Scale:R})")
        : string.Create(CultureInfo.InvariantCulture, $"linear {Bits}-bit: scale {Scale:R}");
}

/// <summary>
/// Query weights become integers too, so every algorithm sums exactly the same integers: round(w x scale), half to
/// even, which must lie in 0..<see cref="MaxWeight"/>. A score sums weight x impact over the query's terms in 64
/// bits; with impacts below 2^16 that is exact for any query of up to 2^15 terms at the largest weight, and
/// <see cref="Algorithms.SearchContext"/> refuses a query whose largest possible score would not fit.
/// </summary>
public static class QueryWeights
{
    /// <summary>JSONL float query weights are multiplied by this before rounding (as document weights).</summary>
    public const double DefaultFloatScale = 100;

    /// <summary>The largest quantized query weight (2^32 - 1).</summary>
    public const uint MaxWeight = uint.MaxValue;

    /// <summary>False when round(weight x scale) is not a number in 0..<see cref="MaxWeight"/>.</summary>
    public static bool TryQuantize(double weight, double scale, out uint quantized)
    {
        double rounded = Math.Round(weight * scale, MidpointRounding.ToEven);
        bool fits = rounded is >= 0 and <= MaxWeight;
        quantized = fits ? (uint)rounded : 0;
        return fits;
    }

    /// <summary>
    /// The most times a token may be written by formats that repeat it weight-many times (Anserini's query TSV, PISA's
    /// weighted queries): a weight near 2^32 would make a line of gigabytes.
    /// </summary>
    public const uint MaxRepeats = 1_000_000;

    /// <summary>The error for a weight that <see cref="MaxRepeats"/> refuses to write as repeats.</summary>
    public static string TooManyRepeats(string query, string token, uint weight) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"query '{query}': token '{token}' would be written {weight:N0} times; formats that repeat a token by its weight hold at most {MaxRepeats:N0}: scale the weights down");

    /// <summary>The error for a weight <see cref="TryQuantize"/> refuses, naming the token.</summary>
    public static string OutOfRange(ReadOnlySpan<char> token, double weight, double scale) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"weight {weight:R} of token '{token}' is {weight * scale:R} after x{scale:R} quantization, outside the query weight range 0..{MaxWeight} (2^32 - 1); scale the query down");
}
