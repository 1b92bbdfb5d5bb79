using SpladeFast.Algorithms;
using SpladeFast.Build;
using SpladeFast.Eval;
using SpladeFast.Execution;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Encoders.Tokenization;
using SpladeFast.Run;
using SpladeFast.Tests.Support;
using Xunit.Abstractions;

namespace SpladeFast.Tests.Model;

public class Bm25SciFactTests(ITestOutputHelper output)
{
    /// <summary>The published BEIR BM25 nDCG@10 on SciFact (Anserini, flat index).</summary>
    private const double PublishedBm25 = 0.665;

    [Trait("Category", "SharedData")]
    [SkippableFact]
    public void Bm25_over_wordpiece_tokens_reaches_the_published_scifact_quality()
    {
        string vocab = SharedData.Require("data/bert-base-uncased/vocab.txt");
        var corpus = TextCorpus.Read(SharedData.Require("data/scifact/corpus.jsonl.gz")).ToList();
        var topics = TextCorpus.Read(SharedData.Require("data/scifact/topics.beir-v1.0.0-scifact.test.tsv.gz")).ToList();
        string qrels = SharedData.Require("data/scifact/qrels.beir-v1.0.0-scifact.test.txt");

        var tokenizer = SpladeTokenizer.FromVocabulary(vocab);
        using var bm25 = new Bm25DocumentEncoder(tokenizer);
        bm25.Fit(corpus.Select(d => d.Text));
        var vectors = bm25.Encode(corpus.Select(d => d.Text).ToList());
        using var dir = new TempDirectory();
        using (var writer = new JsonVectorWriter(dir.File("scifact.jsonl.gz")))
        {
            for (int d = 0; d < corpus.Count; d++)
                writer.Write(corpus[d].Id, vectors[d].Terms.Select((t, i) => (tokenizer.Tokens[t], vectors[d].Weights[i])));
            writer.Commit();
        }
        new IndexBuilder(new IndexBuildOptions { Inputs = [dir.File("scifact.jsonl.gz")], VocabularyPath = vocab }).Build(dir.File("scifact.sfi"));
        using var index = SparseIndex.Open(dir.File("scifact.sfi"));

        using var queryEncoder = new TokenCountEncoder(tokenizer);
        var encoded = queryEncoder.Encode(topics.Select(t => t.Text).ToList());
        var queries = topics.Select((t, q) => EncodedQueries.ToQuery(t.Id, encoded[q], tokenizer.Tokens, index.Vocabulary)).ToList();
        var run = QueryRunner.Run(index, queries, new QueryRunOptions { Algorithm = new MaxScore(), K = 1000 });
        TrecRun.Write(dir.File("run"), queries, run.Hits, index.DocumentId, 1, "bm25");
        var evaluation = TrecEvaluator.Evaluate(TrecRun.Read(dir.File("run")), Qrels.Load(qrels), dir.File("run"));
        double ndcg = evaluation.Mean["ndcg_cut_10"];
        output.WriteLine($"SciFact BM25 over WordPiece: nDCG@10 {ndcg:F4} (published BEIR BM25 {PublishedBm25}), recall@100 {evaluation.Mean["recall_100"]:F4}");
        Assert.Equal(300, evaluation.Topics);
        Assert.InRange(ndcg, PublishedBm25 - 0.03, PublishedBm25 + 0.03);
    }
}
