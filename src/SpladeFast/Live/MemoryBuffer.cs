namespace SpladeFast.Live;

/// <summary>
/// A document held in the memory buffer: its sequence number, id, live term ids (increasing) with their impacts, and
/// its source line (what the log holds; the stored fields come from it).
/// </summary>
public sealed record BufferedDocument(uint Sequence, string Id, int[] Terms, ushort[] Impacts, byte[] Source);

/// <summary>
/// The documents acknowledged since the last flush, searchable at once: appended by the one writer, each term's
/// postings (buffer positions increasing, with impacts) kept as it goes, so a query scores the buffer term at a time
/// over the lists of its own terms. Readers see a prefix: a snapshot records how many documents it covers, and
/// growth copies arrays instead of changing them under a reader.
/// </summary>
public sealed class MemoryBuffer
{
    private BufferedDocument[] _documents = new BufferedDocument[64];
    private TermPostings?[] _terms = new TermPostings?[1024];
    private volatile int _count;

    /// <summary>Documents appended so far.</summary>
    public int Count => _count;

    /// <summary>The document at <paramref name="position"/> (below <see cref="Count"/>).</summary>
    public BufferedDocument this[int position] => Volatile.Read(ref _documents)[position];

    /// <summary>The postings of live term <paramref name="term"/> in the buffer, or null.</summary>
    public TermPostings? Postings(int term)
    {
        var terms = Volatile.Read(ref _terms);
        return (uint)term < (uint)terms.Length ? terms[term] : null;
    }

    /// <summary>Appends a document (one writer at a time); readers see it once <see cref="Count"/> covers it.</summary>
    public void Add(BufferedDocument document)
    {
        int position = _count;
        if (position == _documents.Length)
        {
            var grown = new BufferedDocument[position * 2];
            _documents.AsSpan().CopyTo(grown);
            Volatile.Write(ref _documents, grown);
        }
        _documents[position] = document;
        for (int i = 0; i < document.Terms.Length; i++)
        {
            int term = document.Terms[i];
            if (term >= _terms.Length)
            {
                var grown = new TermPostings?[Math.Max(term + 1, _terms.Length * 2)];
                _terms.AsSpan().CopyTo(grown);
                Volatile.Write(ref _terms, grown);
            }
            var postings = _terms[term] ??= new TermPostings();
            if (!postings.TryAdd(position, document.Impacts[i]))
                Volatile.Write(ref _terms[term], postings.Grown(position, document.Impacts[i]));
        }
        _count = position + 1;
    }

    /// <summary>One term's postings in the buffer. The arrays never change below <see cref="Count"/>.</summary>
    public sealed class TermPostings
    {
        private readonly int[] _positions;
        private readonly ushort[] _impacts;
        private volatile int _count;

        /// <summary>An empty list with room for <paramref name="capacity"/> postings.</summary>
        public TermPostings(int capacity = 4)
        {
            _positions = new int[capacity];
            _impacts = new ushort[capacity];
        }

        private TermPostings(TermPostings from, int capacity) : this(capacity)
        {
            from._positions.AsSpan(0, from._count).CopyTo(_positions);
            from._impacts.AsSpan(0, from._count).CopyTo(_impacts);
            _count = from._count;
        }

        /// <summary>Postings held.</summary>
        public int Count => _count;
        /// <summary>The buffer positions of the documents holding the term, increasing.</summary>
        public ReadOnlySpan<int> Positions => _positions.AsSpan(0, _count);
        /// <summary>Their impacts, aligned with <see cref="Positions"/>.</summary>
        public ReadOnlySpan<ushort> Impacts => _impacts.AsSpan(0, _count);

        internal bool TryAdd(int position, ushort impact)
        {
            if (_count == _positions.Length)
                return false;
            _positions[_count] = position;
            _impacts[_count] = impact;
            _count++;
            return true;
        }

        internal TermPostings Grown(int position, ushort impact)
        {
            var grown = new TermPostings(this, _positions.Length * 2);
            grown.TryAdd(position, impact);
            return grown;
        }
    }
}
