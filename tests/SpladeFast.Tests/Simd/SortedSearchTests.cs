using CsCheck;
using SpladeFast.Simd;

namespace SpladeFast.Tests.Simd;

public class SortedSearchTests
{
    /// <summary>Sets of every size up to two Vector512 widths of ushorts and one more, plus longer ones.</summary>
    private static readonly Gen<(ushort[] Sorted, ushort[] Keys)> Cases =
        from size in Gen.OneOf(Gen.Int[0, 2 * 32 + 1], Gen.Int[0, 2000])
        from universe in Gen.OneOf(Gen.Int[1, 200], Gen.Int[1, 65_536])
        from sorted in Gen.Int[0, universe - 1].Array[size]
        from keys in Gen.Int[0, universe - 1].Array[0, 60]
        select (Distinct(sorted), Distinct(keys));

    private static ushort[] Distinct(int[] values) => values.Distinct().Order().Select(v => (ushort)v).ToArray();

    [Fact]
    public void Every_path_finds_exactly_the_keys_present() =>
        Cases.Sample(c =>
        {
            var expected = c.Keys.Select(k => Array.IndexOf(c.Sorted, k)).ToArray();
            foreach (var path in VectorPaths.All.Where(VectorPaths.IsSupported))
            {
                var found = new int[c.Keys.Length];
                SortedSearch.Locate(path, c.Sorted, c.Keys, found);
                Assert.True(expected.AsSpan().SequenceEqual(found), $"{path}");
            }
        }, iter: 2000);

    [Fact]
    public void Extremes_and_every_position_of_one_key()
    {
        var sorted = Enumerable.Range(0, 100).Select(i => (ushort)(i * 655)).Append(ushort.MaxValue).ToArray();
        foreach (var path in VectorPaths.All.Where(VectorPaths.IsSupported))
        {
            for (int i = 0; i < sorted.Length; i++)
            {
                ushort[] keys = sorted[i] == ushort.MaxValue ? [(ushort)(sorted[i] - 1), sorted[i]] : [(ushort)Math.Max(0, sorted[i] - 1), sorted[i], (ushort)(sorted[i] + 1)];
                var found = new int[keys.Length];
                SortedSearch.Locate(path, sorted, keys.Distinct().ToArray(), found);
                Assert.Contains(i, found);
            }
        }
    }

    [Fact]
    public void Arguments_are_checked_before_any_work() =>
        Assert.Throws<ArgumentException>(() => SortedSearch.Locate(VectorPath.Scalar, new ushort[4], new ushort[] { 1, 2 }, new int[1]));
}
