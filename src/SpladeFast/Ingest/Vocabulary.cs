namespace SpladeFast.Ingest;

/// <summary>Token to term id. Either fixed (a BERT vocab.txt: id = line number) or grown from documents.</summary>
public sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _tokens;

    /// <summary>An empty vocabulary.</summary>
    public Vocabulary(bool isFixed = false)
    {
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _tokens = [];
        IsFixed = isFixed;
    }

    /// <summary><paramref name="tokens"/> with ids 0, 1, ... in order; a repeated token keeps its first id.</summary>
    public Vocabulary(IEnumerable<string> tokens, bool isFixed) : this(isFixed)
    {
        foreach (var token in tokens)
        {
            _ids.TryAdd(token, _tokens.Count);
            _tokens.Add(token);
        }
    }

    /// <summary>
    /// Loads a BERT-style vocab.txt (plain or gzip); a repeated token keeps its first id, as Hugging Face does.
    /// Every token must be a valid identifier (<see cref="Identifiers"/>), blank lines included: an index keeps the
    /// whole vocabulary, and export writes it out as a lexicon of one token per line.
    /// </summary>
    public static Vocabulary Load(string path)
    {
        if (!File.Exists(path))
            throw new InputException(path, 0, "vocabulary file not found");
        var tokens = InputFiles.ReadAllLines(path);
        if (tokens.Count == 0)
            throw new InputException(path, 0, "vocabulary file is empty");
        for (int i = 0; i < tokens.Count; i++)
        {
            if (Identifiers.Check(tokens[i], "token") is { } error)
                throw new InputException(path, i + 1, error);
        }
        return new Vocabulary(tokens, isFixed: true);
    }

    /// <summary>Fixed vocabularies reject unknown tokens; grown ones add them.</summary>
    public bool IsFixed { get; }
    /// <summary>Term ids: 0 .. Count - 1.</summary>
    public int Count => _tokens.Count;
    /// <summary>The tokens by term id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;
    /// <summary>The token of term <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such term.</exception>
    public string this[int id] => _tokens[id];

    /// <summary>The term id of <paramref name="token"/> (ordinal comparison), if known.</summary>
    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _lookup.TryGetValue(token, out id);

    /// <summary>The term id of <paramref name="token"/>, adding it to a grown vocabulary when new.</summary>
    /// <exception cref="InvalidOperationException">The token is new and the vocabulary is fixed.</exception>
    public int GetOrAdd(ReadOnlySpan<char> token)
    {
        if (_lookup.TryGetValue(token, out int id))
            return id;
        if (IsFixed)
            throw new InvalidOperationException("A fixed vocabulary cannot grow.");
        string text = token.ToString();
        _ids.Add(text, _tokens.Count);
        _tokens.Add(text);
        return _tokens.Count - 1;
    }
}
