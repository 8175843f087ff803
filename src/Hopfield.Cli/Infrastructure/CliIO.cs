using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Hopfield.Cli.Infrastructure;

/// <summary>Where a command writes: plain text, Spectre tables and progress, or one JSON object.</summary>
internal sealed class CliIO
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public CliIO(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (!CanShowProgress)
        {
            Console.Profile.Width = 160; // no terminal to measure: do not wrap tables at 80 columns
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console bound to <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>True when progress bars may be drawn (an interactive terminal).</summary>
    public bool CanShowProgress => ReferenceEquals(Output, System.Console.Out) && !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected;

    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public void Line(string text = "") => Output.WriteLine(text);

    /// <summary>Runs <paramref name="work"/> with a progress bar when interactive, silently otherwise.</summary>
    public T WithProgress<T>(string title, Func<IProgress<double>, T> work)
    {
        if (!CanShowProgress)
        {
            return work(new Progress<double>(_ => { }));
        }

        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1.0);
                result = work(new SyncProgress(p => task.Value = Math.Clamp(p, 0, 1)));
                task.Value = 1.0;
            });
        return result;
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
