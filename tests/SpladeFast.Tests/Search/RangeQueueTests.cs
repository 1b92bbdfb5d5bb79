using CsCheck;
using SpladeFast.Algorithms;

namespace SpladeFast.Tests.Search;

public class RangeQueueTests
{
    [Fact]
    public void Hands_out_every_non_zero_range_by_falling_sum_then_range_across_batches() =>
        Gen.Select(Gen.OneOf(Gen.UInt[0, 5], Gen.UInt[0, 3000], Gen.UInt)
                .Array[0, 3000], Gen.Int[1, 64])
            .Sample((sums, batch) =>
            {
                var expected = sums.Select((s, r) => (Sum: s, Range: r)).Where(x => x.Sum != 0)
                    .OrderByDescending(x => x.Sum).ThenBy(x => x.Range).ToList();
                var queue = new RangeQueue();
                var given = (uint[])sums.Clone();
                queue.Start(given, batch);
                var actual = new List<(uint, int)>();
                while (true)
                {
                    if (!queue.TryPeek(out uint sum, out int range))
                        break;
                    actual.Add((sum, range));
                    int second = queue.PeekSecond();
                    queue.Pop();
                    if (second >= 0)
                        Assert.True(queue.TryPeek(out _, out int next) && next == second, "PeekSecond names the range handed out next");
                }
                Assert.Equal(expected, actual);
                Assert.Equal(sums, given);
            }, iter: 300);

    [Fact]
    public void The_ungathered_limit_bounds_every_range_not_yet_handed_out()
    {
        var random = new Random(7);
        var sums = Enumerable.Range(0, 5000).Select(_ => (uint)random.Next(0, 1 << 20)).ToArray();
        var queue = new RangeQueue();
        queue.Start((uint[])sums.Clone(), 10);
        var seen = new HashSet<int>();
        while (true)
        {
            if (queue.NeedsGather)
            {
                ulong limit = queue.UngatheredLimit;
                Assert.All(Enumerable.Range(0, sums.Length).Where(r => !seen.Contains(r)), r => Assert.True(sums[r] < limit));
            }
            if (!queue.TryPeek(out _, out int range))
                break;
            seen.Add(range);
            queue.Pop();
        }
        Assert.Equal(sums.Count(s => s != 0), seen.Count);
    }
}
