using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Hopfield.Cli.Infrastructure;

/// <summary>Where a command writes: plain text, Spectre tables or one JSON object on stdout; progress bars on stderr.</summary>
/// <remarks>
/// Progress bars go to standard error and only when it is a terminal, so <c>hopfield … --json &gt; out.json</c> still shows
/// progress while stdout stays one clean JSON object, and nothing is drawn when both streams are redirected or captured.
/// </remarks>
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
        bool terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            Console.Profile.Width = 160; // no terminal to measure: do not wrap tables at 80 columns
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console bound to <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>True when progress bars may be drawn: standard error is the process's own and a terminal.</summary>
    public bool CanShowProgress => ReferenceEquals(Error, System.Console.Error) && !System.Console.IsErrorRedirected;

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
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });
        terminal.Progress()
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

    /// <summary>
    /// The full path of an output file whose folder now exists; a folder that cannot be created is bad input
    /// naming <paramref name="path"/> and <paramref name="option"/>.
    /// </summary>
    public static string PrepareOutputFile(string path, string option = "--out")
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
            string? folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IOException($"{option}: cannot write '{path}': {ex.Message}", ex);
        }

        return full;
    }

    /// <summary>Creates the output folder <paramref name="path"/>; failure is bad input naming it.</summary>
    public static string PrepareOutputFolder(string path, string option = "--out")
    {
        try
        {
            return Directory.CreateDirectory(path).FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IOException($"{option}: cannot create the folder '{path}': {ex.Message}", ex);
        }
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
