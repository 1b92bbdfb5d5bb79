using System.Globalization;
using System.Text;
using System.Text.Json;
using SpladeFast.Format;

namespace SpladeFast.Synthetic;

/// <summary>What <see cref="SyntheticCollection"/> generates.</summary>
public sealed record SynthOptions
{
    /// <summary>Documents generated (at least 1).</summary>
    public int Documents { get; init; } = 100_000;
    /// <summary>Queries generated, each with one relevant document.</summary>
    public int Queries { get; init; } = 1_000;
    /// <summary>The random seed: the same options and seed give the same files.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Real tokens (a BERT vocab.txt) or null for generated names over <see cref="VocabularySize"/> terms.</summary>
    public IReadOnlyList<string>? Tokens { get; init; }
    /// <summary>Generated terms when no <see cref="Tokens"/> are given (BERT's 30,522 by default).</summary>
    public int VocabularySize { get; init; } = 30522;
    /// <summary>Mean distinct terms per document (130, as splade-cocondenser-ensembledistil on MS MARCO).</summary>
    public double TermsPerDocument { get; init; } = 130;
    /// <summary>Write the documents gzip-compressed (docs.jsonl.gz).</summary>
    public bool Compress { get; init; }
    /// <summary>Receives the generation's progress, in documents.</summary>
    public IProgress<BuildProgress>? Progress { get; init; }
}

/// <summary>The files a synthetic collection was written to, and its size.</summary>
/// <param name="Documents">docs.jsonl (or .gz): Anserini JsonVectorCollection lines.</param>
/// <param name="Queries">queries.tsv: Anserini pre-encoded queries.</param>
/// <param name="Qrels">qrels.txt: each query's target document, grade 1.</param>
/// <param name="Vocabulary">vocab.txt: the tokens by term id.</param>
/// <param name="Postings">Non-zero document weights written.</param>
/// <param name="QueryTerms">Terms over all queries.</param>
public sealed record SynthReport(string Documents, string Queries, string Qrels, string Vocabulary, long Postings, long QueryTerms);

/// <summary>
/// A deterministic SPLADE-like collection, calibrated to published MS MARCO statistics of
/// splade-cocondenser-ensembledistil: about 130 non-zero terms per document, 45-49 per query, a 30522-term
/// vocabulary with Zipf-like document frequencies, and skewed weights where a few terms dominate.
/// Documents are about topics (each topic favours a few hundred terms, so terms co-occur), and every query is
/// made from a target document: its strongest terms, expansion terms of its topic, and noise. The target is
/// written to the qrels, as an MS MARCO query and its relevant passage.
/// </summary>
public sealed class SyntheticCollection
{
    private const int TopicTerms = 400;
    private const int CoreQueryTerms = 14;
    private const int ExpansionQueryTerms = 19;
    private const int NoiseQueryTerms = 15;
    private const double QueryScale = 100;

    private readonly SynthOptions _options;
    private readonly Random _random;
    private readonly string[] _tokens;
    private readonly int[] _backgroundTerms;
    private readonly double[] _backgroundCumulative;
    private readonly int[][] _topicTerms;
    private readonly double[][] _topicCumulative;
    private readonly int[] _stamp;

    /// <summary>Prepares the generator (topics and term distributions) for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No document, or a negative query count.</exception>
    public SyntheticCollection(SynthOptions options)
    {
        if (options.Documents < 1 || options.Queries < 0)
            ThrowHelper.ArgumentOutOfRange(nameof(options), "Need at least one document and no negative query count.");
        _options = options;
        _random = new Random(options.Seed);
        _tokens = options.Tokens?.ToArray() ?? Enumerable.Range(0, options.VocabularySize).Select(i => $"t{i:D5}").ToArray();
        _stamp = new int[_tokens.Length];
        Array.Fill(_stamp, -1);
        // Special tokens ([PAD], [unused0], ...) never appear in SPLADE vectors.
        _backgroundTerms = Enumerable.Range(0, _tokens.Length).Where(t => !_tokens[t].StartsWith('[')).ToArray();
        _random.Shuffle(_backgroundTerms);
        _backgroundCumulative = Cumulative(_backgroundTerms.Length, rank => 1.0 / Math.Pow(rank + 10, 1.05));
        int topics = Math.Clamp(options.Documents / 400, 16, 4000);
        _topicTerms = new int[topics][];
        _topicCumulative = new double[topics][];
        var topicPick = Cumulative(_backgroundTerms.Length, rank => 1.0 / Math.Pow(rank + 200, 0.7));
        for (int topic = 0; topic < topics; topic++)
        {
            var terms = new List<int>(TopicTerms);
            while (terms.Count < TopicTerms)
            {
                int term = _backgroundTerms[Sample(topicPick)];
                if (_stamp[term] != topic)
                {
                    _stamp[term] = topic;
                    terms.Add(term);
                }
            }
            _topicTerms[topic] = terms.ToArray();
            _topicCumulative[topic] = Cumulative(TopicTerms, i => 1.0 / Math.Pow(i + 3, 0.9));
        }
        Array.Fill(_stamp, -1);
    }

    /// <summary>Writes the collection's four files into <paramref name="directory"/> (created if missing).</summary>
    public SynthReport Write(string directory)
    {
        Directory.CreateDirectory(directory);
        string docsPath = Path.Combine(directory, _options.Compress ? "docs.jsonl.gz" : "docs.jsonl");
        string queriesPath = Path.Combine(directory, "queries.tsv");
        string qrelsPath = Path.Combine(directory, "qrels.txt");
        string vocabPath = Path.Combine(directory, "vocab.txt");

        var targets = new int[_options.Queries];
        for (int q = 0; q < targets.Length; q++)
            targets[q] = _random.Next(_options.Documents);
        var targetOf = targets.Select((doc, q) => (doc, q)).ToLookup(x => x.doc, x => x.q);
        var queryLines = new string[_options.Queries];
        long postings = 0, queryTerms = 0;

        // Every file is written under a temporary name and renamed when complete, the documents first: an
        // interrupted run leaves no partial file.
        Format.AtomicFile.Write(docsPath, file =>
        {
            using var output = Compressed(docsPath, file);
            using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
            var terms = new List<(int Term, double Weight, int TopicRank)>(512);
            for (int doc = 0; doc < _options.Documents; doc++)
            {
                int topic = MakeDocument(doc, terms);
                postings += terms.Count;
                WriteDocument(json, output, doc, terms);
                foreach (int q in targetOf[doc])
                {
                    var query = MakeQuery(terms, topic, q);
                    queryTerms += query.Count;
                    queryLines[q] = FormatQuery(QueryId(q), query);
                }
                if ((doc & 4095) == 0)
                    _options.Progress?.Report(new BuildProgress("generating", doc, _options.Documents, "documents"));
            }
            return 0;
        });
        _options.Progress?.Report(new BuildProgress("generating", _options.Documents, _options.Documents, "documents"));
        WriteLines(vocabPath, _tokens);
        WriteLines(queriesPath, queryLines);
        WriteLines(qrelsPath, targets.Select((doc, q) => $"{QueryId(q)} 0 {doc} 1"));
        return new SynthReport(docsPath, queriesPath, qrelsPath, vocabPath, postings, queryTerms);
    }

    /// <summary>Query <paramref name="q"/>'s id: 1000000 + q, so ids sort as numbers and as strings alike.</summary>
    public static string QueryId(int q) => (1_000_000 + q).ToString(CultureInfo.InvariantCulture);

    /// <summary>Fills <paramref name="terms"/> with the document's distinct terms; returns its main topic.</summary>
    private int MakeDocument(int doc, List<(int Term, double Weight, int TopicRank)> terms)
    {
        terms.Clear();
        int length = (int)Math.Clamp(Math.Round(Normal(_options.TermsPerDocument, _options.TermsPerDocument * 0.3)), 8, 4 * _options.TermsPerDocument);
        int topic = _random.Next(_topicTerms.Length);
        int second = _random.NextDouble() < 0.5 ? _random.Next(_topicTerms.Length) : topic;
        int fromTopics = (int)(length * 0.6);
        for (int attempts = 0; terms.Count < fromTopics && attempts < 20 * length; attempts++)
        {
            int source = attempts % 3 == 2 ? second : topic;
            int rank = Sample(_topicCumulative[source]);
            int term = _topicTerms[source][rank];
            if (_stamp[term] == doc)
                continue;
            _stamp[term] = doc;
            // Central topic terms carry most of the weight, as SPLADE's few dominant terms do.
            double weight = Math.Exp(Normal(Math.Log(1.3) - 0.35 * Math.Log(1 + rank / 8.0), 0.45));
            terms.Add((term, Clamp(weight), rank));
        }
        for (int attempts = 0; terms.Count < length && attempts < 20 * length; attempts++)
        {
            int term = _backgroundTerms[Sample(_backgroundCumulative)];
            if (_stamp[term] == doc)
                continue;
            _stamp[term] = doc;
            terms.Add((term, Clamp(Math.Exp(Normal(Math.Log(0.22), 0.75))), int.MaxValue));
        }
        return topic;
    }

    private List<(int Term, double Weight)> MakeQuery(List<(int Term, double Weight, int TopicRank)> document, int topic, int q)
    {
        var query = new List<(int Term, double Weight)>(64);
        // Queries mark their terms with negative stamps, documents with their non-negative index.
        int stamp = -2 - q;
        void Add(int term, double weight)
        {
            if (_stamp[term] == stamp)
                return;
            _stamp[term] = stamp;
            query.Add((term, Clamp(weight)));
        }
        foreach (var (term, weight, _) in document.OrderByDescending(t => t.Weight).Take(CoreQueryTerms + _random.Next(-3, 4)))
            Add(term, weight * Math.Exp(Normal(0, 0.3)));
        for (int attempts = 0; query.Count < CoreQueryTerms + ExpansionQueryTerms && attempts < 200; attempts++)
            Add(_topicTerms[topic][Sample(_topicCumulative[topic])], Math.Exp(Normal(Math.Log(0.45), 0.5)));
        int noise = NoiseQueryTerms + _random.Next(-4, 5);
        for (int i = 0; i < noise; i++)
            Add(_backgroundTerms[Sample(_backgroundCumulative)], Math.Exp(Normal(Math.Log(0.12), 0.6)));
        return query;
    }

    private string FormatQuery(string id, List<(int Term, double Weight)> query)
    {
        var line = new StringBuilder(id).Append('\t');
        bool first = true;
        foreach (var (term, weight) in query)
        {
            int repeats = Math.Max(1, (int)Math.Round(weight * QueryScale));
            for (int r = 0; r < repeats; r++)
            {
                if (!first)
                    line.Append(' ');
                line.Append(_tokens[term]);
                first = false;
            }
        }
        return line.ToString();
    }

    private void WriteDocument(Utf8JsonWriter json, Stream output, int doc, List<(int Term, double Weight, int TopicRank)> terms)
    {
        json.Reset(output);
        json.WriteStartObject();
        json.WriteString("id"u8, doc.ToString(CultureInfo.InvariantCulture));
        json.WriteStartObject("vector"u8);
        foreach (var (term, weight, _) in terms)
            json.WriteNumber(_tokens[term], Math.Round(weight, 4));
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    private static BufferedStream Compressed(string path, Stream file) =>
        path.EndsWith(".gz", StringComparison.Ordinal)
            ? new BufferedStream(new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true), 1 << 20)
            : new BufferedStream(file, 1 << 20);

    private static void WriteLines(string path, IEnumerable<string> lines) =>
        Format.AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
            foreach (string line in lines)
                writer.Write(line + "\n");
            return 0;
        });

    private static double Clamp(double weight) => Math.Clamp(weight, 0.01, 4.5);

    private double Normal(double mean, double deviation)
    {
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        return mean + deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private int Sample(double[] cumulative)
    {
        double x = _random.NextDouble() * cumulative[^1];
        int index = Array.BinarySearch(cumulative, x);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private static double[] Cumulative(int count, Func<int, double> weight)
    {
        var cumulative = new double[count];
        double sum = 0;
        for (int i = 0; i < count; i++)
            cumulative[i] = sum += weight(i);
        return cumulative;
    }
}
