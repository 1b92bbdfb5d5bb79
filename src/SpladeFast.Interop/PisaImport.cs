using System.Buffers.Binary;
using SpladeFast.Build;
using SpladeFast.Ingest;

namespace SpladeFast.Interop;

/// <summary>
/// Builds an index from a PISA binary collection (<c>PREFIX.docs</c>, <c>PREFIX.freqs</c> taken as impacts), with the
/// lexicons <c>PREFIX.terms</c> and <c>PREFIX.documents</c> when present (otherwise terms and documents are named by
/// their ids). Every file may be gzip-compressed; names must be valid <see cref="Identifiers"/> and document names
/// distinct. The inverse of <see cref="PisaExport"/>; errors name the file and the sequence or line (1-based).
/// </summary>
public static class PisaImport
{
    /// <summary>Builds the index at <paramref name="outputPath"/> from the PREFIX.* files (see the type).</summary>
    /// <exception cref="InputException">A file is malformed or breaks a rule above; the message names the file and position.</exception>
    public static IndexBuildReport Import(string prefix, string outputPath, ListImportOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string docsPath = prefix + ".docs", freqsPath = prefix + ".freqs";
        using var docs = new SequenceReader(docsPath);
        using var freqs = new SequenceReader(freqsPath);
        var header = docs.Next() ?? throw new InputException(docsPath, 1, "empty file; expected the [document count] sequence");
        if (header.Length != 1)
            throw new InputException(docsPath, 1, $"the first sequence must hold only the document count, not {header.Length} integers");
        int documents = checked((int)header[0]);
        var termNames = File.Exists(prefix + ".terms") ? ReadLexicon(prefix + ".terms", "term") : null;
        var lists = new List<(uint[] DocIds, ushort[] Impacts)>();
        while (docs.Next() is { } docIds)
        {
            long sequence = docs.Sequences;
            var impacts = freqs.Next() ?? throw new InputException(freqsPath, freqs.Sequences + 1, $"missing: {docsPath} has more lists");
            if (impacts.Length != docIds.Length)
                throw new InputException(freqsPath, freqs.Sequences, $"{impacts.Length} frequencies for {docIds.Length} docids");
            var packed = new ushort[impacts.Length];
            for (int i = 0; i < docIds.Length; i++)
            {
                if (docIds[i] >= documents || (i > 0 && docIds[i] <= docIds[i - 1]))
                    throw new InputException(docsPath, sequence, $"docid {docIds[i]} at position {i} is out of order or not below {documents}");
                if (impacts[i] is < 1 or > ushort.MaxValue)
                    throw new InputException(freqsPath, freqs.Sequences, $"frequency {impacts[i]} is not an impact in 1..65535");
                packed[i] = (ushort)impacts[i];
            }
            lists.Add((docIds, packed));
        }
        if (freqs.Next() is not null)
            throw new InputException(freqsPath, freqs.Sequences, $"more lists than {docsPath}");
        if (termNames is not null && termNames.Count != lists.Count)
            throw new InputException(prefix + ".terms", 0, $"{termNames.Count} terms for {lists.Count} posting lists");
        var documentIds = File.Exists(prefix + ".documents") ? ReadLexicon(prefix + ".documents", "document name")
            : Enumerable.Range(0, documents).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (documentIds.Count != documents)
            throw new InputException(prefix + ".documents", 0, $"{documentIds.Count} document names for {documents} documents");
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int d = 0; d < documentIds.Count; d++)
        {
            if (!firstLine.TryAdd(documentIds[d], d + 1))
                throw new InputException(prefix + ".documents", d + 1, $"duplicate document name '{documentIds[d]}' (first on line {firstLine[documentIds[d]]})");
        }

        var vocabulary = options.VocabularyPath is { } v ? Vocabulary.Load(v) : new Vocabulary();
        var byTerm = new (uint[], ushort[])?[Math.Max(vocabulary.Count, lists.Count)];
        for (int l = 0; l < lists.Count; l++)
        {
            string name = termNames?[l] ?? l.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int term = vocabulary.IsFixed
                ? vocabulary.TryGetId(name, out int id) ? id : throw new InputException(prefix + ".terms", l + 1, $"term '{name}' is not in the vocabulary {options.VocabularyPath}")
                : vocabulary.GetOrAdd(name);
            if (byTerm[term] is not null)
                throw new InputException(prefix + ".terms", l + 1, $"term '{name}' is listed twice");
            byTerm[term] = lists[l];
        }
        var postings = InvertedLists.FromLists(vocabulary.Count, t => byTerm[t]);
        long bytes = ListIndexWriter.Write(outputPath, new ListIndexContents(vocabulary.Tokens, documentIds, postings, options.Scale, options.RangeSize,
            options.VocabularyPath is { } path ? Path.GetFileName(path) : "pisa", docsPath, new Dictionary<string, string>()), options.Progress);
        return new IndexBuildReport(documents, vocabulary.Count, postings.Count, 0, 0, bytes, clock.Elapsed);
    }

    /// <summary>A lexicon, one name per line (line n names id n - 1), each a valid identifier.</summary>
    private static List<string> ReadLexicon(string path, string what)
    {
        var names = InputFiles.ReadAllLines(path);
        for (int i = 0; i < names.Count; i++)
        {
            if (Identifiers.Check(names[i], what) is { } error)
                throw new InputException(path, i + 1, error);
        }
        return names;
    }

    /// <summary>PISA binary sequences: a u32 length, then that many u32, little-endian; plain or gzip.</summary>
    private sealed class SequenceReader(string path) : IDisposable
    {
        private const int FirstReadValues = 1 << 20;
        private readonly BufferedStream _stream = new(InputFiles.Open(path, out _), 1 << 20);
        private readonly byte[] _word = new byte[4];

        public long Sequences { get; private set; }

        public uint[]? Next()
        {
            int read = _stream.ReadAtLeast(_word, 4, throwOnEndOfStream: false);
            if (read == 0)
                return null;
            Sequences++;
            if (read < 4)
                throw new InputException(path, Sequences, "truncated sequence length");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_word);
            if (length > Array.MaxLength)
                throw new InputException(path, Sequences, $"sequence of {length} integers is longer than any collection");
            // A gzip stream has no length to check a sequence against: the array grows as the data arrives, so a
            // corrupt length fails at the end of the data instead of allocating what it claims.
            var values = new uint[Math.Min(length, FirstReadValues)];
            int filled = 0;
            while (true)
            {
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(filled));
                if (_stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                    throw new InputException(path, Sequences, $"sequence of {length} integers runs past the end of the file");
                filled = values.Length;
                if (filled == length)
                    break;
                Array.Resize(ref values, (int)Math.Min(length, 2L * filled));
            }
            if (!BitConverter.IsLittleEndian)
                BinaryPrimitives.ReverseEndianness(values, values);
            return values;
        }

        public void Dispose() => _stream.Dispose();
    }
}
