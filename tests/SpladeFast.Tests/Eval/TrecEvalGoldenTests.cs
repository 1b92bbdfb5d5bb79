using System.Text.Json;
using SpladeFast.Eval;
using SpladeFast.Run;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Eval;

public class TrecEvalGoldenTests
{
    [Trait("Category", "SharedData")]
    [SkippableTheory]
    [InlineData("dl19")]
    [InlineData("scifact")]
    public void Reproduces_every_trec_eval_value(string name)
    {
        string directory = SharedData.Require("golden/trec_eval");
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, $"{name}.json")));
        string runPath = Path.Combine(directory, $"{name}.run");
        var evaluation = TrecEvaluator.Evaluate(TrecRun.Read(runPath), Qrels.Load(Path.Combine(directory, $"{name}.qrels")), runPath);
        int compared = 0;
        foreach (var measure in golden.RootElement.GetProperty("measures").EnumerateObject())
        {
            foreach (var topic in measure.Value.EnumerateObject())
            {
                double expected = topic.Value.GetDouble();
                double actual = topic.Name == "all" ? evaluation.Mean[measure.Name] : evaluation.PerTopic[topic.Name][measure.Name];
                Assert.True(Math.Abs(Math.Round(actual, 4) - expected) < 1e-9, $"{name} {measure.Name} {topic.Name}: trec_eval {expected}, ours {actual}");
                compared++;
            }
        }
        Assert.Equal(7, evaluation.Measures.Count);
        Assert.True(compared > 7 * 40, $"only {compared} values compared");
    }

    [Fact]
    public void Ties_are_broken_by_descending_docid_and_rank_column_is_ignored()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("run"), ["q Q0 a 1 1.0 t", "q Q0 b 2 1.0 t", "q Q0 c 3 0.5 t"]);
        File.WriteAllLines(dir.File("qrels"), ["q 0 a 1"]);
        var evaluation = TrecEvaluator.Evaluate(TrecRun.Read(dir.File("run")), Qrels.Load(dir.File("qrels")), dir.File("run"));
        Assert.Equal(0.5, evaluation.Mean["recip_rank"]);
    }
}
