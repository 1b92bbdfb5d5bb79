using System.Diagnostics;
using Spectre.Console;
using SpladeFast.Build;

namespace SpladeFast.Cli.Output;

/// <summary>
/// Shows long work: a Spectre.Console progress bar per stage on a terminal, plain progress lines (at most one
/// every few seconds per stage) when output is redirected.
/// </summary>
internal static class ProgressDisplay
{
    public static T Run<T>(Func<IProgress<BuildProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
            return work(new LineProgress());
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => result = work(new BarProgress(context)));
        return result;
    }

    private sealed class BarProgress(ProgressContext context) : IProgress<BuildProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(BuildProgress value)
        {
            if (!_tasks.TryGetValue(value.Stage, out var task))
                _tasks[value.Stage] = task = context.AddTask(value.Stage, maxValue: Math.Max(1, value.Total));
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
        }
    }

    private sealed class LineProgress : IProgress<BuildProgress>
    {
        private readonly Dictionary<string, (Stopwatch Clock, bool Finished)> _stages = [];

        public void Report(BuildProgress value)
        {
            if (!_stages.TryGetValue(value.Stage, out var stage))
                _stages[value.Stage] = stage = (Stopwatch.StartNew(), false);
            bool finished = value.Done >= value.Total;
            if (stage.Finished || (!finished && stage.Clock.Elapsed < TimeSpan.FromSeconds(5)))
                return;
            double percent = value.Total > 0 ? 100.0 * value.Done / value.Total : 100;
            Console.Error.WriteLine($"{value.Stage}: {percent:F0}% ({value.Done:N0}/{value.Total:N0})");
            _stages[value.Stage] = (finished ? stage.Clock : Stopwatch.StartNew(), finished);
        }
    }
}
