using static TorchSharp.torch;

namespace SpladeFast.Model.Training;

/// <summary>BERT's masking: a fraction of the real, non-special tokens is predicted; of those 80% become [MASK], 10% a random token, 10% stay.</summary>
public static class MaskedLanguageModel
{
    /// <summary>Label of positions that are not predicted (cross-entropy's ignore index).</summary>
    public const long Ignore = -100;

    public static (Tensor MaskedIds, Tensor Labels) Mask(Tensor ids, Tensor attentionMask, SpladeTokenizer tokenizer, double probability, int seed)
    {
        var random = new Random(seed);
        var source = ids.cpu().data<long>().ToArray();
        var real = attentionMask.cpu().data<long>().ToArray();
        var masked = (long[])source.Clone();
        var labels = new long[source.Length];
        Array.Fill(labels, Ignore);
        int maskId = tokenizer.Vocabulary.TryGetValue("[MASK]", out int m) ? m : throw new InvalidDataException("the vocabulary has no [MASK] token");
        for (int i = 0; i < source.Length; i++)
        {
            if (real[i] == 0 || source[i] == tokenizer.ClsId || source[i] == tokenizer.SepId || random.NextDouble() >= probability)
                continue;
            labels[i] = source[i];
            double choice = random.NextDouble();
            masked[i] = choice < 0.8 ? maskId : choice < 0.9 ? random.Next(tokenizer.VocabularySize) : source[i];
        }
        return (tensor(masked, ids.shape).to(ids.device), tensor(labels, ids.shape).to(ids.device));
    }
}
