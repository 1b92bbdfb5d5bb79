using SpladeFast.Ingest;
using SpladeFast.Model.Training;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Training;

public class TrainingDataTests
{
    [Fact]
    public void Ids_based_examples_resolve_texts_and_teacher_scores()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("collection.tsv"), ["d1\tfirst doc", "d2\tsecond doc", "d3\tthird doc"]);
        File.WriteAllLines(dir.File("queries.tsv"), ["q1\twhat is first", "q2\twhat is second"]);
        File.WriteAllLines(dir.File("examples.jsonl"), [
            """{"qid": "q1", "pos": ["d1"], "neg": ["d2", "d3"], "scores": {"d1": 9.5, "d2": 1.0, "d3": -2}}""",
            """{"qid": "q2", "pos": ["d2"], "neg": ["d3"], "scores": {"d2": 7, "d3": 3}}""",
        ]);
        var examples = TrainingData.ReadExamples(new DataConfig { Collection = dir.File("collection.tsv"), Queries = dir.File("queries.tsv"), Examples = dir.File("examples.jsonl") });
        Assert.Equal("what is first", examples[0].Query);
        Assert.Equal(["first doc"], examples[0].Positives);
        Assert.Equal(["second doc", "third doc"], examples[0].Negatives);
        Assert.Equal([1.0f, -2f], examples[0].NegativeScores!);
        Assert.Equal(9.5f, examples[0].PositiveScores![0]);

        File.WriteAllLines(dir.File("bad.jsonl"), ["""{"qid": "q1", "pos": ["d9"]}"""]);
        var error = Assert.Throws<InputException>(() => TrainingData.ReadExamples(new DataConfig { Collection = dir.File("collection.tsv"), Queries = dir.File("queries.tsv"), Examples = dir.File("bad.jsonl") }));
        Assert.Contains("bad.jsonl:1: document 'd9' is not in collection.tsv", error.Message);
    }

    [Fact]
    public void Qrels_give_positives_and_a_run_gives_hard_negatives_that_are_not_relevant()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("collection.tsv"), ["d1\tone", "d2\ttwo", "d3\tthree", "d4\tfour"]);
        File.WriteAllLines(dir.File("queries.tsv"), ["q1\tquery one"]);
        File.WriteAllLines(dir.File("qrels.txt"), ["q1 0 d2 1", "q1 0 d4 0"]);
        File.WriteAllLines(dir.File("run.trec"), ["q1 Q0 d2 1 9 r", "q1 Q0 d4 2 8 r", "q1 Q0 d1 3 7 r", "q1 Q0 d3 4 6 r"]);
        var examples = TrainingData.ReadExamples(new DataConfig
        {
            Collection = dir.File("collection.tsv"), Queries = dir.File("queries.tsv"), Qrels = dir.File("qrels.txt"), NegativesRun = dir.File("run.trec"), NegativesDepth = 1,
        });
        var example = Assert.Single(examples);
        Assert.Equal(["two"], example.Positives);
        Assert.Equal(["one"], example.Negatives); // d2 is relevant and d4 judged: neither is a negative
    }

    [Fact]
    public void Triples_need_three_fields()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("t.tsv"), ["q\tpos\tneg", "q\tpos"]);
        var error = Assert.Throws<InputException>(() => TrainingData.ReadExamples(new DataConfig { Triples = dir.File("t.tsv") }));
        Assert.Contains("t.tsv:2: expected query<TAB>positive<TAB>negative", error.Message);
    }

    [Fact]
    public void Batches_depend_only_on_seed_and_step_and_cover_every_example_each_epoch()
    {
        var items = Enumerable.Range(0, 10).ToList();
        var a = new BatchSampler<int>(items, seed: 5);
        var b = new BatchSampler<int>(items, seed: 5);
        Assert.Equal(a.Batch(7, 1, 2, 3).Select(x => x.Item), b.Batch(7, 1, 2, 3).Select(x => x.Item));
        var epoch = Enumerable.Range(0, 5).SelectMany(step => a.Batch(step, 0, 1, 2)).ToList();
        Assert.Equal(items, epoch.Select(x => x.Item).Order());
        Assert.All(epoch, x => Assert.Equal(0, x.Epoch));
        Assert.NotEqual(a.Batch(0, 0, 1, 10).Select(x => x.Item), new BatchSampler<int>(items, seed: 6).Batch(0, 0, 1, 10).Select(x => x.Item));
    }
}
