using System.Numerics;

namespace SpladeFast.Algorithms;

/// <summary>
/// The ranges of a bmp query in falling upper-bound order (then increasing range), handed out a batch at a time:
/// a histogram of the sums picks the highest buckets holding about a batch of ranges, and only those are gathered
/// into a heap. A top-10 query visits a few hundred of 138,000 ranges, so heaping them all would cost more than the
/// visit. Each further batch is twice as large. The sums are the caller's, left as they are.
/// </summary>
internal sealed class RangeQueue
{
    private const int BucketBits = 10;
    private readonly int[] _histogram = new int[1 << BucketBits];
    private ulong[] _heap = new ulong[256];
    private int _count;
    private uint[] _sums = [];
    private int _shift;
    private int _nextBucket;
    private int _batch;

    /// <summary>Starts a query over <paramref name="sums"/> (one per range, zero where no query term occurs).</summary>
    public void Start(uint[] sums, int firstBatch)
    {
        _sums = sums;
        _count = 0;
        _batch = firstBatch;
        uint max = Max(sums);
        _shift = Math.Max(0, 32 - BitOperations.LeadingZeroCount(max) - BucketBits);
        Array.Clear(_histogram);
        foreach (uint sum in sums)
        {
            if (sum != 0) // ranges without any query term are never visited
                _histogram[sum >> _shift]++;
        }
        _nextBucket = (int)(max >> _shift);
    }

    private static uint Max(ReadOnlySpan<uint> sums)
    {
        var vectors = MemoryMarshal.Cast<uint, Vector<uint>>(sums);
        var maxima = Vector<uint>.Zero;
        foreach (var vector in vectors)
            maxima = Vector.Max(maxima, vector);
        uint max = 0;
        for (int i = 0; i < Vector<uint>.Count; i++)
            max = Math.Max(max, maxima[i]);
        foreach (uint sum in sums[(vectors.Length * Vector<uint>.Count)..])
            max = Math.Max(max, sum);
        return max;
    }

    /// <summary>An exclusive bound on the sums not yet gathered into the heap.</summary>
    public ulong UngatheredLimit => (ulong)(_nextBucket + 1) << _shift;

    /// <summary>The next range in order, without taking it; false when none is left.</summary>
    public bool TryPeek(out uint sum, out int range)
    {
        if (_count == 0 && _nextBucket >= 0)
            Gather();
        if (_count == 0)
        {
            (sum, range) = (0, 0);
            return false;
        }
        (sum, range) = ((uint)(_heap[0] >> 32), (int)(uint.MaxValue - (uint)_heap[0]));
        return true;
    }

    /// <summary>The range that follows the next one among those gathered, or -1: worth prefetching.</summary>
    public int PeekSecond() =>
        _count < 2 ? -1 : (int)(uint.MaxValue - (uint)(_count > 2 && _heap[2] > _heap[1] ? _heap[2] : _heap[1]));

    public void Pop()
    {
        _heap[0] = _heap[--_count];
        SiftDown(_heap.AsSpan(0, _count), 0);
    }

    /// <summary>
    /// Whether the next <see cref="TryPeek"/> gathers a batch: callers first check that a sum just below
    /// <see cref="UngatheredLimit"/> could still enter the top k, and stop instead of paying for the gather.
    /// </summary>
    public bool NeedsGather => _count == 0 && _nextBucket >= 0;

    private void Gather()
    {
        int low = _nextBucket, wanted = 0;
        for (; low > 0 && wanted + _histogram[low] < _batch; low--)
            wanted += _histogram[low];
        wanted += _histogram[low];
        if (_heap.Length < wanted)
            _heap = new ulong[Math.Max(wanted, _heap.Length * 2)];
        uint lowest = Math.Max(1u, (uint)low << _shift), limit = (uint)Math.Min(uint.MaxValue, UngatheredLimit - 1);
        for (int r = 0; r < _sums.Length; r++)
        {
            uint sum = _sums[r];
            if (sum >= lowest && sum <= limit)
                _heap[_count++] = (ulong)sum << 32 | (uint.MaxValue - (uint)r);
        }
        _nextBucket = low - 1;
        _batch *= 2;
        var heap = _heap.AsSpan(0, _count);
        for (int i = heap.Length / 2 - 1; i >= 0; i--)
            SiftDown(heap, i);
    }

    /// <summary>Max-heap of keys sum &lt;&lt; 32 | (uint.MaxValue - range): larger sum first, then the smaller range.</summary>
    private static void SiftDown(Span<ulong> heap, int index)
    {
        if (index >= heap.Length)
            return;
        ulong item = heap[index];
        while (true)
        {
            int child = 2 * index + 1;
            if (child >= heap.Length)
                break;
            if (child + 1 < heap.Length && heap[child + 1] > heap[child])
                child++;
            if (heap[child] <= item)
                break;
            heap[index] = heap[child];
            index = child;
        }
        heap[index] = item;
    }
}
