using BenchmarkDotNet.Attributes;
using SpladeFast.Algorithms;
using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Bench;

/// <summary>
/// The document-at-a-time step (score the candidate on the cursors holding it, advance them, find the next
/// candidate) over every document matching a query: the vector step of <see cref="CursorDocIds"/> against its
/// one-cursor-at-a-time reference. One operation = one query's whole disjunction, without the top-k queue.
/// </summary>
public class CursorStepBenchmarks
{
    private const int Queries = 50;
    private SparseIndex _index = null!;
    private IReadOnlyList<QueryVector> _queries = [];
    private BlockPostingCursor[] _cursors = [];
    private uint[] _docIds = [];

    [Params(false, true)]
    public bool Vector { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_index, _queries) = SyntheticIndex.Open(100_000, Queries);
        int most = _queries.Max(q => q.Terms.Length);
        _cursors = new BlockPostingCursor[most];
        _docIds = new uint[most + CursorDocIds.Padding];
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = Queries)]
    public long Disjunction()
    {
        long total = 0;
        foreach (var query in _queries)
        {
            int count = 0;
            foreach (var term in query.Terms)
            {
                if ((uint)term.TermId < (uint)_index.TermCount && _index.Postings(term.TermId).PostingCount > 0)
                    _cursors[count++].Reset(_index.Postings(term.TermId), term.Weight);
            }
            var cursors = _cursors.AsSpan(0, count);
            var docIds = _docIds.AsSpan(0, count + CursorDocIds.Padding);
            CursorDocIds.Fill<BlockPostingCursor>(cursors, docIds);
            uint current = PruningSteps.FirstCandidate(docIds, count);
            while (current != PostingCursor.End)
            {
                total += Vector
                    ? CursorDocIds.ScoreAndAdvance<BlockPostingCursor>(cursors, docIds, current, out current)
                    : CursorDocIds.ScoreAndAdvanceScalar<BlockPostingCursor>(cursors, docIds, current, out current);
            }
        }
        return total;
    }
}
