using BenchmarkDotNet.Attributes;
using SpladeFast.Cursors;
using SpladeFast.Index;

namespace SpladeFast.Bench;

/// <summary>Cursor skipping: NextGeq over the longest posting list with targets spaced by the given stride.</summary>
public class NextGeqBenchmarks
{
    private SparseIndex _index = null!;
    private PostingList _list;
    private readonly BlockPostingCursor[] _cursor = new BlockPostingCursor[1];

    [Params(1, 16, 256, 4096)]
    public int Stride { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_index, _) = SyntheticIndex.Open(100_000, 200);
        int longest = Enumerable.Range(0, _index.TermCount).MaxBy(t => _index.Term(t).PostingCount);
        _list = _index.Postings(longest);
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark]
    public long NextGeqOverList()
    {
        ref var cursor = ref _cursor[0];
        cursor.Reset(_list, 1);
        long sum = 0;
        for (uint target = 0; cursor.DocId != PostingCursor.End; target = cursor.DocId + (uint)Stride)
        {
            cursor.NextGeq(target);
            sum += cursor.DocId;
        }
        return sum;
    }
}
