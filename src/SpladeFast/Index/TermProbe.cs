using System.Numerics;
using System.Runtime.CompilerServices;
using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>
/// Where one term sits in every bmp range's term set (<see cref="RangeForwardLayout"/>), worked out once per query:
/// finding the term in a range then reads one cache line, tests a bit and adds eight masked popcounts, without a
/// branch that depends on the data, so a range's probes do not wait on one another.
/// </summary>
public readonly struct TermProbe
{
    private readonly int _lineStart;
    private readonly int _word;
    private readonly int _bit;
    private readonly WordMasks _below;

    /// <summary>Where <paramref name="term"/> sits: its line, word and bit, and the masks that rank it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="term"/> is negative.</exception>
    public TermProbe(int term)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(term);
        var (line, position) = Math.DivRem(term, RangeForwardLayout.TermsPerLine);
        Line = line;
        _lineStart = line * RangeForwardLayout.LineWords;
        (_word, _bit) = Math.DivRem(position, 64);
        for (int w = 0; w < RangeForwardLayout.LineWords; w++)
            _below[w] = w < _word ? ulong.MaxValue : w == _word ? (1ul << _bit) - 1 : 0;
    }

    /// <summary>The term-set line the term is in.</summary>
    public int Line { get; }

    /// <summary>The term's pair index in the range whose term set this is, or -1 when the range lacks it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<ulong> termSet)
    {
        var (lineValue, inLine, present) = Probe(termSet);
        return (lineValue + inLine) | (present - 1);
    }

    /// <summary>
    /// Packed layout (<see cref="SectionKind.RangeForwardPacked"/>): where the term's entries are found, or -1 when
    /// the range lacks it: the line's stored value (the entries of the range before the line's first pair) &lt;&lt;
    /// <see cref="InLineBits"/> | the term's rank among the line's terms, for <see cref="RangePostings.EntriesOf"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Locate(ReadOnlySpan<ulong> termSet)
    {
        var (lineValue, inLine, present) = Probe(termSet);
        return (lineValue << InLineBits | inLine) | (present - 1);
    }

    /// <summary>The term's line's top 16 bits, the line's terms before it (eight masked popcounts) and whether it is present (1 or 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (int LineValue, int InLine, int Present) Probe(ReadOnlySpan<ulong> termSet)
    {
        if ((uint)(_lineStart + RangeForwardLayout.LineWords) > (uint)termSet.Length)
            ThrowHelper.ArgumentOutOfRange(nameof(termSet), "The term lies beyond the range's term set.");
        ref ulong line = ref Unsafe.Add(ref MemoryMarshal.GetReference(termSet), _lineStart);
        ref ulong below = ref Unsafe.AsRef(in _below[0]);
        int inLine = BitOperations.PopCount(line & below)
            + BitOperations.PopCount(Unsafe.Add(ref line, 1) & Unsafe.Add(ref below, 1))
            + BitOperations.PopCount(Unsafe.Add(ref line, 2) & Unsafe.Add(ref below, 2))
            + BitOperations.PopCount(Unsafe.Add(ref line, 3) & Unsafe.Add(ref below, 3))
            + BitOperations.PopCount(Unsafe.Add(ref line, 4) & Unsafe.Add(ref below, 4))
            + BitOperations.PopCount(Unsafe.Add(ref line, 5) & Unsafe.Add(ref below, 5))
            + BitOperations.PopCount(Unsafe.Add(ref line, 6) & Unsafe.Add(ref below, 6))
            + BitOperations.PopCount(Unsafe.Add(ref line, 7) & Unsafe.Add(ref below, 7));
        return ((int)(Unsafe.Add(ref line, 7) >> 48), inLine, (int)(Unsafe.Add(ref line, _word) >> _bit) & 1);
    }

    /// <summary>Bits of a <see cref="Locate"/> result that hold the term's rank inside its line (below 496).</summary>
    public const int InLineBits = 9;

    /// <summary>Per word of the line, the bits that come before the term.</summary>
    [InlineArray(RangeForwardLayout.LineWords)]
    private struct WordMasks
    {
        private ulong _word;
    }
}
