using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>The TermThresholds section (<see cref="TermThresholdsLayout"/>): per-term k-th largest impacts.</summary>
public sealed unsafe class TermThresholds
{
    private readonly int[] _cuts;
    private readonly ushort* _impacts;
    private readonly int _termCount;

    internal TermThresholds(string path, byte* section, ulong length, ulong terms)
    {
        uint cuts = length >= 8 ? *(uint*)section : 0;
        ulong headerBytes = (8 + 4ul * cuts + 7) & ~7ul;
        if (cuts is 0 or > 16 || length != headerBytes + terms * cuts * 2)
            ThrowHelper.Corrupt(path, "term-thresholds section has a bad size");
        _cuts = new int[cuts];
        for (int c = 0; c < cuts; c++)
        {
            _cuts[c] = (int)((uint*)(section + 8))[c];
            if (_cuts[c] < 1 || (c > 0 && _cuts[c] <= _cuts[c - 1]))
                ThrowHelper.Corrupt(path, "term-thresholds cuts are not increasing");
        }
        _impacts = (ushort*)(section + headerBytes);
        _termCount = (int)terms;
    }

    /// <summary>The k values stored, increasing.</summary>
    public IReadOnlyList<int> Cuts => _cuts;

    /// <summary>The index of the smallest cut at least <paramref name="k"/>, or -1 when k exceeds every cut.</summary>
    public int CutFor(int k)
    {
        for (int c = 0; c < _cuts.Length; c++)
        {
            if (_cuts[c] >= k)
                return c;
        }
        return -1;
    }

    /// <summary>The term's <see cref="Cuts"/>[cut]-th largest impact, 0 when its list is shorter.</summary>
    public uint KthImpact(int term, int cut)
    {
        if ((uint)term >= (uint)_termCount || (uint)cut >= (uint)_cuts.Length)
            ThrowHelper.ArgumentOutOfRange(nameof(term), "No such term or cut.");
        return _impacts[(long)term * _cuts.Length + cut];
    }
}
