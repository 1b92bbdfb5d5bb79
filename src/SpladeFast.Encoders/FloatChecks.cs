using System.Numerics;

namespace SpladeFast.Encoders;

/// <summary>NaN and infinity, which SPLADE's ReLU and thresholds would otherwise turn silently into empty vectors.</summary>
internal static class FloatChecks
{
    /// <summary>The index of the first NaN or infinity (all exponent bits set), or -1; vectorized.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        var exponent = new Vector<uint>(0x7F80_0000);
        int i = 0;
        for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
        {
            if (Vector.EqualsAny(new Vector<uint>(bits[i..]) & exponent, exponent))
                break;
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & 0x7F80_0000) == 0x7F80_0000)
                return i;
        }
        return -1;
    }

    /// <summary>NaN, +infinity or -infinity, whatever the culture.</summary>
    public static string Name(float nonFinite) => float.IsNaN(nonFinite) ? "NaN" : nonFinite > 0 ? "+infinity" : "-infinity";
}
