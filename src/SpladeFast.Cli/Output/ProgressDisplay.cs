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
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => result = work(new BarProgress(context)));
        return result;
    }

    /// <summary>Units per second (documents/s while encoding, bytes/s while reading).</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed:N1}/s" : "", new Style(Color.Grey));
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
        private readonly Dictionary<string, Stopwatch> _started = [];

        public void Report(BuildProgress value)
        {
            if (!_stages.TryGetValue(value.Stage, out var stage))
                _stages[value.Stage] = stage = (Stopwatch.StartNew(), false);
            bool finished = value.Done >= value.Total;
            if (stage.Finished || (!finished && stage.Clock.Elapsed < TimeSpan.FromSeconds(5)))
                return;
            double percent = value.Total > 0 ? 100.0 * value.Done / value.Total : 100;
            if (!_started.TryGetValue(value.Stage, out var since))
                _started[value.Stage] = since = Stopwatch.StartNew();
            double rate = value.Done / Math.Max(1e-3, since.Elapsed.TotalSeconds);
            Console.Error.WriteLine($"{value.Stage}: {percent:F0}% ({value.Done:N0}/{value.Total:N0}, {rate:N1}/s)");
            _stages[value.Stage] = (finished ? stage.Clock : Stopwatch.StartNew(), finished);
        }
    }
}
