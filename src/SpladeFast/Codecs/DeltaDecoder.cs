using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpladeFast.Codecs;

/// <summary>
/// Turns stored docid gaps back into docids. A gap is stored minus one (docids strictly increase), so
/// docid[i] = previous + sum over m &lt;= i of (gap[m] + 1), in unsigned arithmetic: a list's first block starts
/// from previous = uint.MaxValue, which wraps to "before docid 0".
/// </summary>
public static class DeltaDecoder
{
    /// <summary>The scalar reference: gaps in <paramref name="values"/> become docids in place, starting after <paramref name="previous"/>.</summary>
    public static void DecodeScalar(Span<uint> values, uint previous)
    {
        for (int i = 0; i < values.Length; i++)
        {
            previous = unchecked(previous + values[i] + 1);
            values[i] = previous;
        }
    }

    /// <summary>In-register prefix sums, four lanes at a time (two shifted adds per vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Decode(Span<uint> values, uint previous)
    {
        if (!Sse2.IsSupported)
        {
            DecodeScalar(values, previous);
            return;
        }
        ref uint start = ref MemoryMarshal.GetReference(values);
        var carry = Vector128.Create(previous);
        var one = Vector128<uint>.One;
        int i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            var x = Vector128.LoadUnsafe(ref start, (nuint)i) + one;
            x += Sse2.ShiftLeftLogical128BitLane(x, 4);
            x += Sse2.ShiftLeftLogical128BitLane(x, 8);
            x += carry;
            x.StoreUnsafe(ref start, (nuint)i);
            carry = Sse2.Shuffle(x, 0xFF);
        }
        if (i < values.Length)
            DecodeScalar(values[i..], carry.ToScalar());
    }
}
