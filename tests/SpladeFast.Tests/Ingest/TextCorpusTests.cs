using SpladeFast.Eval;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Ingest;

public class TextCorpusTests
{
    [Fact]
    public void Reads_jsonl_tsv_and_smart_records()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("beir.jsonl"), """
            {"_id": "7", "title": "Title", "text": "Body text."}
            {"id": "8", "contents": "Anserini contents"}
            """);
        Assert.Equal([new TextRecord("7", "Title Body text."), new TextRecord("8", "Anserini contents")], TextCorpus.Read(dir.File("beir.jsonl")));
        File.WriteAllText(dir.File("t.tsv"), "q1\twhat is x\nq2\tand y\n");
        Assert.Equal(["q1", "q2"], TextCorpus.Read(dir.File("t.tsv")).Select(r => r.Id));
        File.WriteAllText(dir.File("smart"), ".I 001\r\n.T\r\na title\r\n.A\r\nsomeone\r\n.W\r\nfirst line\r\n. second line .\r\n.X\r\n1 2 3\r\n.I 004\r\n.W\r\nonly text\r\n");
        Assert.Equal([new TextRecord("001", "a title first line . second line ."), new TextRecord("004", "only text")], TextCorpus.Read(dir.File("smart")));
        Assert.Equal(["1", "2"], TextCorpus.Read(dir.File("smart"), numberByPosition: true).Select(r => r.Id));
    }

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Reads_the_classic_collections_and_their_qrels()
    {
        Assert.Equal(1400, TextCorpus.Read(SharedData.Require("data/cranfield/cran.all.1400")).Count());
        Assert.Equal(225, TextCorpus.Read(SharedData.Require("data/cranfield/cran.qry")).Count());
        Assert.Equal(1460, TextCorpus.Read(SharedData.Require("data/cisi/CISI.ALL")).Count());
        Assert.Equal(112, TextCorpus.Read(SharedData.Require("data/cisi/CISI.QRY")).Count());
        var cisi = Qrels.Load(SharedData.Require("data/cisi/CISI.REL"), listedAreRelevant: true);
        Assert.Equal(76, cisi.QueryIds.Count);
        Assert.Equal(1, cisi["1"]["28"]);
        var cranfield = Qrels.Load(SharedData.Require("data/cranfield/cranqrel"), new Dictionary<int, int> { [1] = 4, [2] = 3, [3] = 2, [4] = 1, [-1] = 0 });
        Assert.Equal(225, cranfield.QueryIds.Count);
        Assert.Equal(3, cranfield["1"]["184"]);
    }
}
