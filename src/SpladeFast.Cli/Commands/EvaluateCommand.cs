using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SpladeFast.Cli.Output;
using SpladeFast.Eval;
using SpladeFast.Run;

namespace SpladeFast.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var run = new Option<FileInfo>("--run", "-r") { Description = "TREC run file.", Required = true };
        var qrels = new Option<FileInfo>("--qrels", "-q") { Description = "Qrels: TREC 'qid iter docid rel' or BEIR TSV 'query-id corpus-id score'.", Required = true };
        var level = new Option<int>("--rel-level") { Description = "Smallest grade that counts as relevant for binary measures (trec_eval -l; TREC DL uses 2).", DefaultValueFactory = _ => 1 };
        var perQuery = new Option<bool>("--per-query") { Description = "Also print every topic's values (trec_eval -q)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of trec_eval-style lines." };
        var command = new Command("evaluate", "Evaluate a run against qrels: MRR@10, Recall@10/100/1000, nDCG@10, MAP (trec_eval conventions).")
        {
            run, qrels, level, perQuery, json,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            string runPath = parse.GetRequiredValue(run).FullName;
            var evaluation = TrecEvaluator.Evaluate(TrecRun.Read(runPath), Qrels.Load(parse.GetRequiredValue(qrels).FullName), runPath, parse.GetValue(level));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { topics = evaluation.Topics, mean = evaluation.Mean, per_topic = parse.GetValue(perQuery) ? evaluation.PerTopic : null },
                    CliJson.Indented));
                return 0;
            }
            foreach (var measure in evaluation.Measures)
            {
                if (parse.GetValue(perQuery))
                {
                    foreach (var (topic, values) in evaluation.PerTopic)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{measure,-14}\t{topic}\t{values[measure]:F4}"));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{measure,-14}\tall\t{evaluation.Mean[measure]:F4}"));
            }
            Console.WriteLine($"{"num_q",-14}\tall\t{evaluation.Topics}");
            return 0;
        }));
        return command;
    }
}
