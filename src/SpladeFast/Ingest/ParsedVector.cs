namespace SpladeFast.Ingest;

/// <summary>One parsed JSONL record, held in reusable buffers (tokens as spans, no string per token).</summary>
public sealed class ParsedVector
{
    private char[] _chars = new char[4096];
    private (int Start, int Length)[] _tokens = new (int, int)[256];
    private double[] _weights = new double[256];
    private int[] _order = new int[256];
    private readonly Comparison<int> _byToken;

    public ParsedVector() => _byToken = (a, b) => Token(a).SequenceCompareTo(Token(b));
    private int _charCount;

    public string Id { get; internal set; } = "";
    public int Count { get; private set; }

    public ReadOnlySpan<char> Token(int i) => _chars.AsSpan(_tokens[i].Start, _tokens[i].Length);
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

    /// <summary>A token that occurs more than once in the record, or null (sorts a reusable index array).</summary>
    internal string? RepeatedToken()
    {
        if (Count < 2)
            return null;
        if (_order.Length < Count)
            _order = new int[_tokens.Length];
        var order = _order.AsSpan(0, Count);
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        order.Sort(_byToken);
        for (int i = 1; i < order.Length; i++)
        {
            if (Token(order[i]).SequenceEqual(Token(order[i - 1])))
                return Token(order[i]).ToString();
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
