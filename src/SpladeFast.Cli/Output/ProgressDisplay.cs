using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SpladeFast.Cli.Output;

/// <summary>
/// Shows long work: a Spectre.Console progress bar per stage on a terminal, plain progress lines (the first when a
/// stage has run a second, then at most one every five seconds, and always its last) when output is redirected.
/// A stage's clock starts at its first report and stops when it completes, so its rate is done / time it ran.
/// Reports may come from several threads.
/// </summary>
internal static class ProgressDisplay
{
    public static T Run<T>(Func<IProgress<BuildProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
            return work(new LineProgress(Console.Error, Stopwatch.GetTimestamp));
        T result = default!;
        // Ctrl-C ends the process inside the display, which would leave the terminal's cursor hidden.
        ConsoleCancelEventHandler showCursor = (_, _) => AnsiConsole.Cursor.Show();
        Console.CancelKeyPress += showCursor;
        try
        {
            var units = new Dictionary<int, string>();
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RateColumn(units),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context => result = work(new BarProgress(context, units)));
        }
        finally
        {
            Console.CancelKeyPress -= showCursor;
        }
        return result;
    }

    /// <summary>"1,234 documents/s", bytes scaled ("12.3 MB/s"), nothing for stages measured in time ("ms").</summary>
    internal static string Rate(double perSecond, string unit)
    {
        if (unit == "ms")
            return "";
        if (unit != "bytes")
            return string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0} {unit}/s");
        string[] prefixes = ["B", "KB", "MB", "GB"];
        int p = 0;
        for (; p < prefixes.Length - 1 && perSecond >= 1000; p++)
            perSecond /= 1000;
        return string.Create(CultureInfo.InvariantCulture, $"{perSecond:N1} {prefixes[p]}/s");
    }

    /// <summary>Units per second over the time the stage has run (its clock stops when it completes).</summary>
    private sealed class RateColumn(Dictionary<int, string> units) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            double seconds = task.ElapsedTime?.TotalSeconds ?? 0;
            string rate;
            lock (units)
                rate = seconds > 0 && task.Value > 0 && units.TryGetValue(task.Id, out var unit) ? Rate(task.Value / seconds, unit) : "";
            return new Text(rate, new Style(Color.Grey));
        }
    }

    private sealed class BarProgress(ProgressContext context, Dictionary<int, string> units) : IProgress<BuildProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(BuildProgress value)
        {
            lock (_tasks)
                Show(value);
        }

        private void Show(BuildProgress value)
        {
            if (!_tasks.TryGetValue(value.Stage, out var task))
            {
                _tasks[value.Stage] = task = context.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
                lock (units)
                    units[task.Id] = value.Unit;
            }
            if (task.IsFinished)
                return;
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
            if (value.Done >= value.Total)
                task.StopTask();
        }
    }

    /// <summary>Progress as lines, for logs and redirected output; the clock is a parameter so tests can drive it.</summary>
    internal sealed class LineProgress(TextWriter output, Func<long> timestamp) : IProgress<BuildProgress>
    {
        private static readonly TimeSpan FirstLine = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5);
        private readonly Dictionary<string, Stage> _stages = [];

        private sealed class Stage(long started)
        {
            public long Started { get; } = started;
            public long LastLine { get; set; } = started;
            public bool Printed { get; set; }
            public bool Finished { get; set; }
        }

        public void Report(BuildProgress value)
        {
            lock (_stages)
                Show(value);
        }

        private void Show(BuildProgress value)
        {
            long now = timestamp();
            if (!_stages.TryGetValue(value.Stage, out var stage))
                _stages[value.Stage] = stage = new Stage(now);
            bool finished = value.Done >= value.Total;
            if (stage.Finished || (!finished && Stopwatch.GetElapsedTime(stage.LastLine, now) < (stage.Printed ? Interval : FirstLine)))
                return;
            double percent = value.Total > 0 ? Math.Floor(100.0 * value.Done / value.Total) : 100; // 100% only when done
            double seconds = Stopwatch.GetElapsedTime(stage.Started, now).TotalSeconds;
            string rate = seconds > 0 && Rate(value.Done / seconds, value.Unit) is { Length: > 0 } perSecond ? $", {perSecond}" : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value.Stage}: {percent:F0}% ({value.Done:N0}/{value.Total:N0} {value.Unit}{rate}, {seconds:F1} s)"));
            (stage.LastLine, stage.Printed, stage.Finished) = (now, true, finished);
        }
    }
}
