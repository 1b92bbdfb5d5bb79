using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Cli;

[Collection("Console")]
public class ExperimentCliTests
{
    [Fact]
    public void A_pruning_sweep_writes_csv_markdown_and_plots()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("sweep.json"), """
            {
              // comments are allowed
              "name": "tiny sweep",
              "synth": { "documents": 1500, "queries": 20, "seed": 3 },
              "algorithms": ["maxscore", "bmp"],
              "k": [10, 100],
              "warmupSeconds": 0,
              "strategies": [ { "strategy": "doc-top", "values": [20, 60] }, { "strategy": "min-impact", "values": [30] } ],
              "output": "out"
            }
            """);
        var (code, output, error) = CliRunner.Run("experiment", "pruning", "--config", dir.File("sweep.json"));
        Assert.True(code == 0, error);
        Assert.Contains("| doc-top | 20 |", output);
        var rows = File.ReadAllLines(dir.File("out/results.csv"));
        Assert.Equal(1 + 4, rows.Length);
        Assert.StartsWith("strategy,value,postings,index_bytes,mrr_at_10,ndcg_at_10,recall_at_1000,overlap_at_10,overlap_at_100,maxscore_k10_mean_ms", rows[0]);
        Assert.StartsWith("none,0,", rows[1]);
        foreach (var plot in new[] { "quality-vs-latency.png", "quality-vs-size.png", "quality-vs-latency.svg", "quality-vs-size.svg" })
            Assert.True(new FileInfo(dir.File($"out/{plot}")).Length > 1000, plot);
        Assert.False(Directory.EnumerateDirectories(dir.File("out")).Any(), "scratch files left behind");
    }

    [Fact]
    public void A_bad_config_names_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.json"), """{ "name": "x", "synth": { "documents": 10, "queries": 1 }, "strategies": [ { "strategy": "doc-top", "values": [0] } ] }""");
        var (code, _, error) = CliRunner.Run("experiment", "pruning", "--config", dir.File("bad.json"));
        Assert.Equal(1, code);
        Assert.Contains("doc-top", error);
        File.WriteAllText(dir.File("bad.json"), """{ "name": "x", "typo": 1 }""");
        (code, _, error) = CliRunner.Run("experiment", "pruning", "--config", dir.File("bad.json"));
        Assert.Equal(1, code);
        Assert.Contains(dir.File("bad.json"), error);
    }
}
