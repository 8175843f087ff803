using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;
using Hopfield.Cli.Commands;

namespace Hopfield.Cli.Infrastructure;

/// <summary>Builds the command tree and runs it with the tool's exit-code contract.</summary>
/// <remarks>Exit codes: 0 success, 1 bad input (one-line message; stack trace only with --verbose), 2 usage error.</remarks>
internal static partial class CliApp
{
    public const int Success = 0;
    public const int BadInput = 1;
    public const int UsageError = 2;

    /// <summary>The paragraph at the top of <c>hopfield --help</c>.</summary>
    internal const string Summary =
        "hopfield runs associative memories (classical, dense, modern and universal Hopfield networks) from the command line: " +
        "store patterns, corrupt them, and watch the memory bring them back. It denoises images before a classifier, repairs " +
        "binary pictures, measures how many patterns a network holds, times retrieval, runs the project's seeded experiments, " +
        "and embeds or exports memories as ONNX models. Every command prints a readable table, or one JSON object with --json; " +
        "the embedded Fashion-MNIST and MNIST subsets make every command work without downloads.";

    /// <summary>The verbs of the root help, grouped by task; a verb missing here is listed under "Other".</summary>
    internal static readonly (string Group, string[] Verbs)[] Groups =
    [
        ("Try it", ["demo", "repair"]),
        ("Measure", ["capacity", "bench", "experiment"]),
        ("Models and data", ["embed", "export-onnx"]),
    ];

    /// <summary>One line per verb for the root help; a verb missing here shows the first sentence of its description.</summary>
    internal static readonly Dictionary<string, string> OneLiners = new(StringComparer.Ordinal)
    {
        ["demo"] = "Denoise corrupted Fashion-MNIST images with a Hopfield memory before a classifier; accuracy table + PNG grid.",
        ["repair"] = "Store a binary image, flip some pixels and watch recall repair it; writes a PNG strip.",
        ["capacity"] = "Measure how many random patterns per neuron a classical or dense network still recalls.",
        ["bench"] = "Time batched retrieval and classical recall sweeps; soak-test ONNX Runtime for native memory growth.",
        ["experiment"] = "Run one of the project's seeded experiments (tables, JSON, SVG charts).",
        ["embed"] = "Embed an IDX image file with an ONNX encoder; writes raw float32 rows.",
        ["export-onnx"] = "Export a universal Hopfield memory (or a saved semantic stage) as an ONNX model.",
    };

    /// <summary>Example invocations shown by <c>hopfield --help</c>.</summary>
    internal static readonly string[] Examples =
    [
        "hopfield demo                                       # denoise corrupted Fashion-MNIST, write out/demo.png",
        "hopfield repair photo.png --noise 0.3 -o repair.png # store, corrupt and repair a binary image",
        "hopfield capacity --neurons 500 --json              # critical load of a Hebbian network as JSON",
        "hopfield experiment denoise --corruptions gaussian:0.5 --seed 2",
    ];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot(output, error);
        var parse = root.Parse(args);
        bool verbose = parse.GetValue(CommonOptions.Verbose);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            bool onlyMissingCommand = parse.UnmatchedTokens.Count == 0 && command.Subcommands.Count > 0 && command.Action is null
                && parse.Errors.Count == 1;
            if (onlyMissingCommand)
            {
                // `hopfield` or `hopfield bench` alone: teach rather than scold, but still a usage error.
                ShowHelp(root, command, error);
                return UsageError;
            }

            foreach (var e in parse.Errors)
            {
                error.WriteLine($"hopfield: {e.Message}");
            }

            if (command.Subcommands.Count > 0 && command.Action is null)
            {
                error.WriteLine($"Commands of '{CommandPath(command)}': {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}.");
            }

            error.WriteLine($"Run '{CommandPath(command)} --help' for usage.");
            return UsageError;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error });
        }
        catch (UsageException ex)
        {
            error.WriteLine($"hopfield: {ex.Message}");
            error.WriteLine($"Run '{CommandPath(parse.CommandResult.Command)} --help' for usage.");
            return UsageError;
        }
        catch (Exception ex)
        {
            error.WriteLine($"hopfield: {Flatten(ex)}");
            if (verbose)
            {
                error.WriteLine(ex.ToString());
            }
            else if (!IsInputError(ex))
            {
                error.WriteLine("(an unexpected error: run again with --verbose for the stack trace)");
            }

            return BadInput;
        }
    }

    internal static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(Summary);
        root.Options.Add(CommonOptions.Verbose);
        var io = new CliIO(output, error);
        foreach (var command in CommandCatalog.All(io))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(DocsCommand.Build(io, root));
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction help } helpOption)
        {
            helpOption.Action = new RootHelpAction(root, help);
        }

        return root;
    }

    /// <summary>"hopfield bench retrieval" for a command of the tree.</summary>
    internal static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? "hopfield" : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The one-line summary of a command: <see cref="OneLiners"/> for the verbs, else its first sentence.</summary>
    internal static string OneLine(Command command) =>
        command.Parents.FirstOrDefault() is RootCommand && OneLiners.TryGetValue(command.Name, out var line) ? line : FirstSentence(command.Description);

    /// <summary>The first sentence (or line) of a description: the one-line summary of a command.</summary>
    internal static string FirstSentence(string? description)
    {
        string text = (description ?? string.Empty).Split('\n')[0].Trim();
        int stop = text.IndexOf(". ", StringComparison.Ordinal);
        return stop > 0 ? text[..(stop + 1)] : text;
    }

    private static void ShowHelp(RootCommand root, Command command, TextWriter writer)
    {
        var path = new List<string>();
        for (Symbol? s = command; s is Command c && c is not RootCommand; s = c.Parents.FirstOrDefault())
        {
            path.Add(c.Name);
        }

        path.Reverse();
        path.Add("--help");
        root.Parse(path).Invoke(new InvocationConfiguration { Output = writer, Error = writer });
    }

    /// <summary>The text of <c>hopfield --help</c>: what the tool is for, the verbs grouped by task, examples.</summary>
    internal static void WriteRootHelp(Command root, TextWriter w)
    {
        w.WriteLine("Description:");
        foreach (var line in Wrap(Summary, 100))
        {
            w.WriteLine("  " + line);
        }

        w.WriteLine();
        w.WriteLine("Usage:");
        w.WriteLine("  hopfield <command> [options]");
        w.WriteLine("  hopfield <command> --help        what a command does, its options and defaults, an example");
        w.WriteLine();
        var verbs = root.Subcommands.Where(c => !c.Hidden).ToList();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        int width = verbs.Max(v => v.Name.Length) + 4;
        foreach (var (group, names) in Groups.Append(("Other", verbs.Select(v => v.Name).ToArray())))
        {
            var members = names.Select(n => verbs.FirstOrDefault(v => v.Name == n)).OfType<Command>().Where(v => listed.Add(v.Name)).ToList();
            if (members.Count == 0)
            {
                continue;
            }

            w.WriteLine($"{group}:");
            foreach (var verb in members)
            {
                string sub = verb.Subcommands.Any(c => !c.Hidden) ? $" [{string.Join(", ", verb.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}]" : string.Empty;
                w.WriteLine($"  {verb.Name.PadRight(width)}{OneLine(verb)}{sub}");
            }

            w.WriteLine();
        }

        w.WriteLine("Examples:");
        foreach (var example in Examples)
        {
            w.WriteLine("  " + example);
        }

        w.WriteLine();
        w.WriteLine("Options:");
        w.WriteLine("  -v, --verbose   Print stack traces and extra diagnostics on failure (any command).");
        w.WriteLine("  -h, --help      Show help; after a command, that command's help.");
        w.WriteLine("  --version       Show version information.");
        w.WriteLine();
        w.WriteLine("Every command accepts --json (one JSON object on standard output). Progress bars go to standard error,");
        w.WriteLine("and only on a terminal. Exit codes: 0 success, 1 bad input (one-line message; the stack trace with");
        w.WriteLine("--verbose), 2 usage error (unknown command or option, missing or malformed value). Reference: docs/cli.md.");
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static bool IsInputError(Exception ex) =>
        ex is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
            or IOException or UnauthorizedAccessException or FormatException or NotSupportedException
            or InvalidOperationException or OperationCanceledException
        || (ex is AggregateException { InnerExceptions.Count: 1 } agg && IsInputError(agg.InnerExceptions[0]));

    /// <summary>One line: the innermost single cause, without .NET's "(Parameter 'x')" and "Actual value was" suffixes.</summary>
    internal static string Flatten(Exception ex)
    {
        if (ex is AggregateException { InnerExceptions.Count: 1 } agg)
        {
            return Flatten(agg.InnerExceptions[0]);
        }

        string message = ex.Message.ReplaceLineEndings(" ");
        if (ex is ArgumentException)
        {
            message = ArgumentSuffix().Replace(message, string.Empty);
        }

        return message.Trim();
    }

    [GeneratedRegex(@"(\s*\(Parameter '[^']*'\))?(\s*Actual value was [^\r\n]*)?$")]
    private static partial Regex ArgumentSuffix();
}

/// <summary>Root help written by <see cref="CliApp.WriteRootHelp"/>; every other command keeps the standard help.</summary>
internal sealed class RootHelpAction(RootCommand root, HelpAction standard) : SynchronousCommandLineAction
{
    /// <summary>Help wins over parse errors (<c>hopfield repair --help</c> without the required IMAGE), as with the standard help.</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        if (!ReferenceEquals(parseResult.CommandResult.Command, root))
        {
            return standard.Invoke(parseResult);
        }

        CliApp.WriteRootHelp(root, parseResult.InvocationConfiguration.Output);
        return 0;
    }
}

/// <summary>A usage error detected after parsing (bad combination of options): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
