using System.Text.Json;
using SpladeFast.Eval;
using SpladeFast.Ingest;
using SpladeFast.Run;

namespace SpladeFast.Model.Training;

/// <summary>A fine-tuning example: a query with its positives and (hard) negatives, optionally teacher scores.</summary>
public sealed record RankingExample(string Query, string[] Positives, string[] Negatives, float[]? PositiveScores, float[]? NegativeScores);

/// <summary>One training pair drawn from an example.</summary>
public sealed record RankingPair(string Query, string Positive, string? Negative, float TeacherPositive, float TeacherNegative);

/// <summary>Reads fine-tuning examples (texts resolved) and raw texts for middle training, failing on bad lines with file:line.</summary>
public static class TrainingData
{
    public static IReadOnlyList<RankingExample> ReadExamples(DataConfig data)
    {
        if (data.Triples is { } triples)
            return ReadTriples(triples);
        var collection = ReadTexts(data.Collection!);
        var queries = ReadTexts(data.Queries!);
        string Text(Dictionary<string, string> texts, string id, string path, long line, string what) =>
            texts.TryGetValue(id, out var text) ? text : throw new InputException(path, line, $"{what} '{id}' is not in {Path.GetFileName(what == "query" ? data.Queries : data.Collection)}");
        return data.Examples is { } examples
            ? ReadExamplesJsonl(examples, (id, line, what) => Text(what == "query" ? queries : collection, id, examples, line, what))
            : FromQrelsAndRun(data, (id, what) => Text(what == "query" ? queries : collection, id, data.Qrels!, 0, what));
    }

    public static IReadOnlyList<string> ReadCorpus(string path) => TextCorpus.Read(path).Select(r => r.Text).ToList();

    private static Dictionary<string, string> ReadTexts(string path)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in TextCorpus.Read(path))
            texts[record.Id] = record.Text;
        return texts;
    }

    /// <summary>naver/splade triples: query TAB positive TAB negative, texts.</summary>
    private static List<RankingExample> ReadTriples(string path)
    {
        var examples = new List<RankingExample>();
        foreach (var (line, text) in InputFiles.NumberedLines(path))
        {
            var fields = text.Split('\t');
            if (fields.Length != 3 || fields.Any(string.IsNullOrWhiteSpace))
                throw new InputException(path, line, $"expected query<TAB>positive<TAB>negative, found {fields.Length} fields");
            examples.Add(new RankingExample(fields[0], [fields[1]], [fields[2]], null, null));
        }
        return examples;
    }

    /// <summary>{"qid", "pos": [docid...], "neg": [docid...], "scores": {docid: teacher score}} per line.</summary>
    private static List<RankingExample> ReadExamplesJsonl(string path, Func<string, long, string, string> text)
    {
        var examples = new List<RankingExample>();
        foreach (var (line, json) in InputFiles.NumberedLines(path))
        {
            Example? example;
            try
            {
                example = JsonSerializer.Deserialize<Example>(json, TrainingConfig.JsonOptions);
            }
            catch (JsonException e)
            {
                throw JsonInput.Error(path, e, "a training example", line);
            }
            if (example is null || example.Qid is null || example.Pos is not { Length: > 0 })
                throw new InputException(path, line, "expected {\"qid\", \"pos\": [at least one docid], \"neg\": [...], \"scores\": {...}}");
            float[]? Scores(string[] ids) => example.Scores is null ? null
                : ids.Select(id => example.Scores.TryGetValue(id, out float s) ? s : throw new InputException(path, line, $"no teacher score for '{id}'")).ToArray();
            var negatives = example.Neg ?? [];
            examples.Add(new RankingExample(text(example.Qid, line, "query"), example.Pos.Select(id => text(id, line, "document")).ToArray(),
                negatives.Select(id => text(id, line, "document")).ToArray(), Scores(example.Pos), Scores(negatives)));
        }
        return examples;
    }

    /// <summary>Positives from qrels (grade > 0); hard negatives: the run's top documents that are not positives.</summary>
    private static List<RankingExample> FromQrelsAndRun(DataConfig data, Func<string, string, string> text)
    {
        var qrels = Qrels.Load(data.Qrels!);
        var run = data.NegativesRun is { } r ? TrecRun.Read(r) : null;
        var examples = new List<RankingExample>();
        foreach (string qid in qrels.QueryIds.Order(StringComparer.Ordinal))
        {
            var positives = qrels[qid].Where(j => j.Value > 0).Select(j => j.Key).Order(StringComparer.Ordinal).ToArray();
            if (positives.Length == 0)
                continue;
            var negatives = run is not null && run.TryGetValue(qid, out var ranked)
                ? ranked.OrderBy(e => e.Rank).Select(e => e.DocumentId).Where(d => !qrels[qid].ContainsKey(d)).Take(data.NegativesDepth).ToArray()
                : [];
            examples.Add(new RankingExample(text(qid, "query"), positives.Select(d => text(d, "document")).ToArray(), negatives.Select(d => text(d, "document")).ToArray(), null, null));
        }
        return examples;
    }

    private sealed record Example(string? Qid, string[]? Pos, string[]? Neg, Dictionary<string, float>? Scores);
}

/// <summary>
/// Deterministic batches: the examples in a seeded permutation per epoch, so the batch of any step is a function of
/// (seed, step) alone and a resumed run sees exactly the batches an uninterrupted one would.
/// </summary>
public sealed class BatchSampler<T>(IReadOnlyList<T> items, int seed)
{
    private readonly Dictionary<long, int[]> _permutations = [];

    public int Count => items.Count;

    /// <summary>The items of micro-batch <paramref name="micro"/> of <paramref name="step"/>, with their epoch.</summary>
    public IReadOnlyList<(T Item, long Epoch, int Index)> Batch(long step, int micro, int accumulation, int size)
    {
        var batch = new List<(T, long, int)>(size);
        for (int b = 0; b < size; b++)
        {
            long global = ((step * accumulation) + micro) * size + b;
            long epoch = global / items.Count;
            int index = Permutation(epoch)[(int)(global % items.Count)];
            batch.Add((items[index], epoch, index));
        }
        return batch;
    }

    private int[] Permutation(long epoch)
    {
        if (_permutations.TryGetValue(epoch, out var permutation))
            return permutation;
        permutation = Enumerable.Range(0, items.Count).ToArray();
        new Random(unchecked(seed * 1_000_003 + (int)epoch)).Shuffle(permutation); // not HashCode: it is salted per process
        if (_permutations.Count > 4)
            _permutations.Clear();
        return _permutations[epoch] = permutation;
    }
}

internal static class RankingExampleExtensions
{
    /// <summary>The pair an example gives in an epoch: positives and negatives rotate from epoch to epoch.</summary>
    public static RankingPair Pair(this RankingExample example, long epoch)
    {
        int p = (int)(epoch % example.Positives.Length);
        int n = example.Negatives.Length == 0 ? -1 : (int)(epoch % example.Negatives.Length);
        return new RankingPair(example.Query, example.Positives[p], n < 0 ? null : example.Negatives[n],
            example.PositiveScores?[p] ?? 0, n < 0 ? 0 : example.NegativeScores?[n] ?? 0);
    }
}
