using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SpladeFast.Ingest;

/// <summary>One parsed JSONL record, held in reusable buffers (tokens as spans, no string per token).</summary>
public sealed class ParsedVector
{
    private char[] _chars = new char[4096];
    private (int Start, int Length)[] _tokens = new (int, int)[256];
    private double[] _weights = new double[256];
    /// <summary>Open-addressing slots of <see cref="RepeatedToken"/>: a token's position + 1, 0 when empty.</summary>
    private int[] _slots = new int[512];
    private int _charCount;

    /// <summary>The record's id.</summary>
    public string Id { get; internal set; } = "";
    /// <summary>Tokens parsed.</summary>
    public int Count { get; private set; }

    /// <summary>Token <paramref name="i"/> (0 &lt;= i &lt; <see cref="Count"/>), valid until the next parse.</summary>
    public ReadOnlySpan<char> Token(int i) => _chars.AsSpan(_tokens[i].Start, _tokens[i].Length);
    /// <summary>Token <paramref name="i"/>'s weight.</summary>
    public double Weight(int i) => _weights[i];

    internal void Clear()
    {
        Id = "";
        Count = 0;
        _charCount = 0;
    }

    /// <summary>Room for a token of at most <paramref name="maxLength"/> chars; commit with <see cref="Add"/>.</summary>
    internal Span<char> TokenBuffer(int maxLength)
    {
        if (_chars.Length - _charCount < maxLength)
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + maxLength));
        return _chars.AsSpan(_charCount, maxLength);
    }

    /// <summary>
    /// A token that occurs more than once in the record, or null: one pass through a reused open-addressing table
    /// of token positions (this runs for every document an index build reads).
    /// </summary>
    internal string? RepeatedToken()
    {
        if (Count < 2)
            return null;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Count * 2);
        if (_slots.Length < size)
            _slots = new int[size];
        var slots = _slots.AsSpan(0, size);
        slots.Clear();
        for (int i = 0; i < Count; i++)
        {
            var token = Token(i);
            int slot = (int)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(token)) & (size - 1);
            for (; slots[slot] != 0; slot = (slot + 1) & (size - 1))
            {
                if (Token(slots[slot] - 1).SequenceEqual(token))
                    return token.ToString();
            }
            slots[slot] = i + 1;
        }
        return null;
    }

    internal void Add(int tokenLength, double weight)
    {
        if (Count == _tokens.Length)
        {
            Array.Resize(ref _tokens, Count * 2);
            Array.Resize(ref _weights, Count * 2);
        }
        _tokens[Count] = (_charCount, tokenLength);
        _weights[Count] = weight;
        _charCount += tokenLength;
        Count++;
    }
}
