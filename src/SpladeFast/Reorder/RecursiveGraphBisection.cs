using SpladeFast.Build;

namespace SpladeFast.Reorder;

/// <summary>The parameters of <see cref="RecursiveGraphBisection"/>.</summary>
public sealed record BisectionOptions
{
    /// <summary>Swap rounds per bisection (PISA's default).</summary>
    public int Iterations { get; init; } = 20;
    /// <summary>Partitions smaller than twice this are not split further.</summary>
    public int MinPartitionSize { get; init; } = 16;
    /// <summary>Levels of bisection at most (partitions at this depth are not split further).</summary>
    public int MaxDepth { get; init; } = 40;
    /// <summary>Threads for the top levels' independent halves (default: the processor count).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Document reordering by recursive graph bisection (Dhulipala et al., KDD 2016; PISA's reorder_docids --bp).
/// Each partition is split in two halves; documents move between the halves to lower the log-gap cost
/// sum over terms of d x log2(n / (d + 1)) for a term in d of a half's n documents, so that documents sharing terms
/// end up close together: smaller docid gaps and tighter block and range maxima.
/// </summary>
public static class RecursiveGraphBisection
{
    /// <summary>The new order: element i is the old docid that becomes docid i.</summary>
    public static int[] Compute(ForwardLists forward, int termCount, BisectionOptions options, IProgress<BuildProgress>? progress = null)
    {
        int n = forward.DocumentCount;
        var order = Enumerable.Range(0, n).ToArray();
        var gains = new float[n];
        long done = 0;
        void Report(int finished)
        {
            long total = Interlocked.Add(ref done, finished);
            progress?.Report(new BuildProgress("reordering (bp)", Math.Min(total, n), n, "documents"));
        }
        int parallelDepth = (int)Math.Ceiling(Math.Log2(Math.Max(1, options.Threads)));
        Recurse(forward, order, gains, 0, n, 0, parallelDepth, options, new Workspace(termCount), termCount, Report);
        progress?.Report(new BuildProgress("reordering (bp)", n, n, "documents"));
        return order;
    }

    private sealed class Workspace(int terms)
    {
        public readonly int[] Left = new int[terms];
        public readonly int[] Right = new int[terms];
        public readonly float[] MoveRight = new float[terms];
        public readonly float[] MoveLeft = new float[terms];
        public readonly int[] Touched = new int[terms];
    }

    private static void Recurse(ForwardLists forward, int[] order, float[] gains, int start, int length, int depth, int parallelDepth,
        BisectionOptions options, Workspace workspace, int termCount, Action<int> report)
    {
        if (length < 2 * options.MinPartitionSize || depth >= options.MaxDepth)
        {
            Array.Sort(order, start, length);
            report(length);
            return;
        }
        int half = length / 2;
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            if (Improve(forward, order, gains, start, half, length - half, workspace) == 0)
                break;
        }
        if (depth < parallelDepth)
        {
            Parallel.Invoke(
                () => Recurse(forward, order, gains, start, half, depth + 1, parallelDepth, options, workspace, termCount, report),
                () => Recurse(forward, order, gains, start + half, length - half, depth + 1, parallelDepth, options, new Workspace(termCount), termCount, report));
        }
        else
        {
            Recurse(forward, order, gains, start, half, depth + 1, parallelDepth, options, workspace, termCount, report);
            Recurse(forward, order, gains, start + half, length - half, depth + 1, parallelDepth, options, workspace, termCount, report);
        }
    }

    /// <summary>One round: computes every document's gain for changing sides and swaps pairs while it pays.</summary>
    private static int Improve(ForwardLists forward, int[] order, float[] gains, int start, int leftSize, int rightSize, Workspace w)
    {
        int touched = 0;
        for (int i = start; i < start + leftSize + rightSize; i++)
        {
            var degrees = i < start + leftSize ? w.Left : w.Right;
            foreach (int term in forward.TermsOf(order[i]))
            {
                if (w.Left[term] == 0 && w.Right[term] == 0)
                    w.Touched[touched++] = term;
                degrees[term]++;
            }
        }
        float leftLog = MathF.Log2(leftSize), rightLog = MathF.Log2(rightSize);
        for (int i = 0; i < touched; i++)
        {
            int term = w.Touched[i];
            int left = w.Left[term], right = w.Right[term];
            float now = Cost(left, leftLog) + Cost(right, rightLog);
            w.MoveRight[term] = left > 0 ? now - Cost(left - 1, leftLog) - Cost(right + 1, rightLog) : 0;
            w.MoveLeft[term] = right > 0 ? now - Cost(left + 1, leftLog) - Cost(right - 1, rightLog) : 0;
        }
        for (int i = start; i < start + leftSize + rightSize; i++)
        {
            var move = i < start + leftSize ? w.MoveRight : w.MoveLeft;
            float gain = 0;
            foreach (int term in forward.TermsOf(order[i]))
                gain += move[term];
            gains[i] = -gain;
        }
        for (int i = 0; i < touched; i++)
            w.Left[w.Touched[i]] = w.Right[w.Touched[i]] = 0;

        // Best candidates first on both sides (gains are stored negated for an ascending sort).
        Array.Sort(gains, order, start, leftSize);
        Array.Sort(gains, order, start + leftSize, rightSize);
        int swaps = 0;
        for (int i = 0; i < Math.Min(leftSize, rightSize); i++)
        {
            if (-(gains[start + i] + gains[start + leftSize + i]) <= 0)
                break;
            (order[start + i], order[start + leftSize + i]) = (order[start + leftSize + i], order[start + i]);
            swaps++;
        }
        return swaps;
    }

    /// <summary>Log-gap cost of a term in <paramref name="degree"/> documents of a half of 2^<paramref name="log2Size"/>.</summary>
    private static float Cost(int degree, float log2Size) => degree == 0 ? 0 : degree * (log2Size - MathF.Log2(degree + 1));
}
