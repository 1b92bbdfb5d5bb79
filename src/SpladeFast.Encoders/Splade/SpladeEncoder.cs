using SpladeFast.Encoders.Tokenization;

namespace SpladeFast.Encoders.Splade;

/// <summary>
/// SPLADE over a masked-LM backend (<see cref="ISpladeBackend"/>): tokenizes, batches texts by length so padding
/// stays small, pools each batch through the backend, checks the weights and keeps the positive (heaviest) terms.
/// </summary>
public sealed class SpladeEncoder(ISpladeBackend backend, SpladeTokenizer tokenizer) : IDisposable
{
    /// <exception cref="InvalidDataException">The tokenizer and the model disagree on the vocabulary size.</exception>
    private readonly ISpladeBackend _backend = tokenizer.VocabularySize == backend.VocabularySize ? backend
        : throw new InvalidDataException($"the tokenizer has {tokenizer.VocabularySize} tokens, the model's vocabulary {backend.VocabularySize} ({backend.Name})");

    /// <summary>The model directory's WordPiece tokenizer.</summary>
    public SpladeTokenizer Tokenizer => tokenizer;
    /// <summary>The runtime the model runs on.</summary>
    public ISpladeBackend Backend => _backend;
    /// <summary>The vocabulary the weights are over.</summary>
    public int VocabularySize => _backend.VocabularySize;
    /// <summary>The longest input the model takes.</summary>
    public int MaxPositions => _backend.MaxPositions;

    /// <summary>Texts are cut to the options' maximum length, and never beyond the model's position table.</summary>
    public SparseTermVector[] Encode(IReadOnlyList<string> texts, EncodeOptions options)
    {
        int maxLength = Math.Min(options.MaxLength, MaxPositions);
        return EncodeIds(texts.Select(t => tokenizer.Encode(t, maxLength)).ToList(), options);
    }

    /// <summary>Encodes already tokenized inputs ([CLS] ... [SEP] ids).</summary>
    /// <exception cref="ArgumentException">An input is empty or longer than the model's position table.</exception>
    /// <exception cref="InvalidOperationException">The model computed NaN or infinity (an overflow).</exception>
    public SparseTermVector[] EncodeIds(IReadOnlyList<int[]> inputs, EncodeOptions options)
    {
        if (inputs.FirstOrDefault(i => i.Length > MaxPositions || i.Length == 0) is { } bad)
            throw new ArgumentException($"An input has {bad.Length} ids; the model takes 1 to {MaxPositions}.", nameof(inputs));
        int vocabulary = VocabularySize;
        var results = new SparseTermVector[inputs.Count];
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => inputs[i].Length).ToArray();
        var weights = new float[Math.Min(Math.Max(1, options.BatchSize), Math.Max(1, inputs.Count)) * vocabulary];
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray();
            var pooled = weights.AsSpan(0, batch.Length * vocabulary);
            _backend.Pool(batch.Select(i => inputs[i]).ToArray(), options.Pooling, pooled);
            // Finite weights can still overflow in half precision: NaN would drop out of the vector unseen.
            int nonFinite = FloatChecks.FirstNonFinite(pooled);
            if (nonFinite >= 0)
                throw new InvalidOperationException($"the model computed {FloatChecks.Name(pooled[nonFinite])} for term {nonFinite % vocabulary} of a text of "
                    + $"{inputs[batch[nonFinite / vocabulary]].Length} ids (an overflow; with --precision fp16 or bf16, try fp32)");
            for (int b = 0; b < batch.Length; b++)
                results[batch[b]] = Sparsify(pooled.Slice(b * vocabulary, vocabulary), options);
        }
        return results;
    }

    /// <summary>The terms weighing more than the options' minimum; with MaxTerms, only the heaviest (ties: lower term first).</summary>
    internal static SparseTermVector Sparsify(ReadOnlySpan<float> dense, EncodeOptions options)
    {
        var terms = new List<int>();
        for (int j = 0; j < dense.Length; j++)
        {
            if (dense[j] > options.MinWeight)
                terms.Add(j);
        }
        if (options.MaxTerms > 0 && terms.Count > options.MaxTerms)
        {
            // A min-heap of the MaxTerms best so far, not a sort of every positive term: an untrained or weakly
            // regularized model can give thousands, and this runs once per query.
            var heaviest = new PriorityQueue<int, (float Weight, int NegatedTerm)>(options.MaxTerms + 1);
            foreach (int t in terms)
            {
                heaviest.Enqueue(t, (dense[t], -t));
                if (heaviest.Count > options.MaxTerms)
                    heaviest.Dequeue();
            }
            terms = heaviest.UnorderedItems.Select(item => item.Element).Order().ToList();
        }
        var weights = new float[terms.Count];
        for (int i = 0; i < terms.Count; i++)
            weights[i] = dense[terms[i]];
        return new SparseTermVector(terms.ToArray(), weights);
    }

    /// <summary>Disposes the backend.</summary>
    public void Dispose() => _backend.Dispose();
}
