using System.CommandLine;
using SpladeFast.Cli.Training;
using SpladeFast.Model.Training;

namespace SpladeFast.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "Training config (JSON or YAML): see efficient_splade/configs/.", Required = true };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue from a checkpoint directory this config wrote (weights, optimizer state, step)." };
        var device = new Option<string?>("--device") { Description = "Override the config's device (cpu or cuda)." };
        var threads = new Option<int>("--threads", "-t") { Description = "CPU threads for TorchSharp (0: its default).", DefaultValueFactory = _ => 0 };
        var command = new Command("train", "Train SPLADE encoders (efficient-SPLADE fine-tuning with L1/FLOPS, or MLM+FLOPS middle training) and write Hugging Face checkpoints.")
        {
            config, resume, device, threads,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            if (parse.GetValue(threads) > 0)
                TorchSharp.torch.set_num_threads(parse.GetValue(threads));
            var settings = TrainingConfig.Load(parse.GetRequiredValue(config).FullName);
            if (parse.GetValue(device) is { } d)
                settings = settings with { Device = d };
            using var trainer = new SpladeTrainer(settings, parse.GetValue(resume)?.FullName);
            Console.WriteLine($"training {settings.Name} ({settings.Mode}) from step {trainer.StartStep} to {settings.TotalSteps} -> {settings.OutputDir}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            trainer.Train(step => Console.WriteLine(Describe(step, settings.TotalSteps)));
            Console.WriteLine($"done in {clock.Elapsed.TotalMinutes:F1} min; final checkpoint {Path.Combine(settings.OutputDir, "final")}");
            foreach (string plot in TrainingReport.Plot(settings.OutputDir, settings.Name))
                Console.WriteLine($"wrote {plot}");
            return 0;
        }));
        return command;
    }

    private static string Describe(TrainingStep s, int total) =>
        FormattableString.Invariant($"step {s.Step}/{total}  loss {s.Loss:F4} (main {s.MainLoss:F4}, reg q {s.QueryRegularization:G3} x {s.LambdaQuery:G3}, reg d {s.DocumentRegularization:G3} x {s.LambdaDocument:G3})  ")
        + FormattableString.Invariant($"non-zeros q {s.QueryNonZeros:F1} d {s.DocumentNonZeros:F1}  flops {s.ExpectedFlops:F2}  lr {s.LearningRate:G3}  {s.StepsPerSecond:F2} steps/s")
        + (s.EvalLoss is { } e ? FormattableString.Invariant($"  eval loss {e:F4}") : "") + (s.Note is { } n ? $"  [{n}]" : "");
}
