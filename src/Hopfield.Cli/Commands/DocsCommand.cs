using System.CommandLine;
using System.Globalization;
using System.Text;
using Hopfield.Cli.Infrastructure;

namespace Hopfield.Cli.Commands;

/// <summary>
/// <c>hopfield docs</c> (hidden): writes the command reference (docs/cli.md) from the command tree itself, so the
/// reference lists exactly the verbs, options and defaults the tool has.
/// </summary>
internal static class DocsCommand
{
    private const string Intro = """
        # The `hopfield` command-line tool

        `hopfield` runs the library's associative memories from the command line. Install it as a .NET tool
        (`dotnet tool install --global Hopfield.Cli`) or run it from the repository with
        `dotnet run --project src/Hopfield.Cli -c Release -- <command> [options]`.

        This page is generated from the command tree: `hopfield docs -o docs/cli.md` rewrites it, and a test fails when a
        command or option is missing from it. `hopfield --help` and `hopfield <command> --help` print the same descriptions.

        ## Conventions

        - **Output.** Every command prints a readable table or a few lines on standard output. With `--json` it prints
          exactly one JSON object instead (snake_case keys, indented; NaN and infinities as the strings `"NaN"`,
          `"Infinity"`), and nothing else on standard output, so `hopfield … --json | jq .` always works. The object
          repeats the settings that were run (sizes, `seed`, …) next to the results, and `seconds` is the wall-clock time
          where the command measures it.
        - **Errors** go to standard error as one line starting with `hopfield:` that names the bad value, option or file.
          Add `-v` / `--verbose` (any command) for the stack trace.
        - **Progress bars** (Spectre.Console) are drawn on standard error for the slow commands (demo, capacity, repair,
          bench, embed, experiments), and only when standard error is a terminal: redirected or captured output never
          contains them, and `hopfield demo --json > demo.json` still shows progress on the terminal.
        - **Shared options** mean the same everywhere: `--json`; `--seed N` (repeatable randomness; every seeded command
          gives the same result for the same seed); `-o, --out` (the file or folder written; `--output` is accepted too);
          `--dataset DIR` (a folder with the full IDX files, `--data` accepted too; the embedded subset when omitted);
          `-i, --images FILE` (one IDX image file); `--similarity`, `--separation`, `--beta` for universal memories.
        - **Data.** The embedded Fashion-MNIST subset (3000 train / 1000 test images) and a 1000-digit MNIST subset ship
          with the tool, so every command runs without downloads.

        ## Exit codes

        | code | meaning |
        |---:|---|
        | 0 | success |
        | 1 | bad input: a missing or unreadable file, a value out of range, a file of the wrong kind. One line on standard error naming it; the stack trace only with `--verbose`. |
        | 2 | usage error: unknown command or option, a missing required option or argument, a malformed value, a value not among the allowed ones, or a bad combination of options. `hopfield` or `hopfield <group>` alone prints the help and exits 2. |

        ## Commands
        """;

    public static Command Build(CliIO io, RootCommand root)
    {
        var output = CommonOptions.Out("Write the reference to this file instead of standard output.");
        var command = new Command("docs", "Write the command reference (docs/cli.md) generated from the command tree.\nExample:\n  hopfield docs -o docs/cli.md")
        {
            output,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            string text = Generate(root);
            if (parse.GetValue(output) is { Length: > 0 } path)
            {
                File.WriteAllText(CliIO.PrepareOutputFile(path), text);
                io.Error.WriteLine($"wrote {path}");
            }
            else
            {
                io.Output.Write(text);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Every visible command, depth first, with its path ("hopfield bench retrieval").</summary>
    internal static IEnumerable<(string Path, Command Command)> Walk(Command command, string path = "hopfield")
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach (var item in Walk(sub, $"{path} {sub.Name}"))
            {
                yield return item;
            }
        }
    }

    /// <summary>The visible options of a command, its own first, then the recursive ones of its parents (--verbose).</summary>
    internal static IEnumerable<Option> VisibleOptions(Command command) =>
        command.Options.Where(o => !o.Hidden && o.Name is not "--help" and not "--version");

    internal static string Generate(RootCommand root)
    {
        var md = new StringBuilder();
        md.Append(Intro.ReplaceLineEndings("\n")).Append("\n\n");
        md.Append("| command | what it does |\n|---|---|\n");
        foreach (var (path, command) in Walk(root).Skip(1))
        {
            md.Append(CultureInfo.InvariantCulture, $"| [`{path}`](#{Anchor(path)}) | {Cell(CliApp.OneLine(command))} |\n");
        }

        md.Append('\n');
        foreach (var (path, command) in Walk(root).Skip(1))
        {
            md.Append(CultureInfo.InvariantCulture, $"### {path}\n\n");
            var (prose, examples) = Split(command.Description);
            md.Append(prose).Append("\n\n");
            md.Append("```\n").Append(Synopsis(path, command)).Append("\n```\n\n");
            var options = VisibleOptions(command).ToList();
            if (command.Arguments.Count > 0 || options.Count > 0)
            {
                md.Append("| option | default | description |\n|---|---|---|\n");
                foreach (var argument in command.Arguments.Where(a => !a.Hidden))
                {
                    md.Append(CultureInfo.InvariantCulture, $"| `{argument.Name}` (argument) | required | {Cell(argument.Description)} |\n");
                }

                foreach (var option in options)
                {
                    string names = string.Join(", ", option.Aliases.Where(a => a.StartsWith('-') && a.Length == 2).Append(option.Name)
                        .Concat(option.Aliases.Where(a => a.Length > 2)).Select(a => $"`{a}`"));
                    md.Append(CultureInfo.InvariantCulture, $"| {names} | {Default(option)} | {Cell(option.Description)} |\n");
                }

                md.Append("| `-v`, `--verbose` | off | Print stack traces and extra diagnostics on failure. |\n\n");
            }

            if (examples.Count > 0)
            {
                md.Append(examples.Count == 1 ? "Example:\n\n```\n" : "Examples:\n\n```\n");
                foreach (var e in examples)
                {
                    md.Append(e).Append('\n');
                }

                md.Append("```\n\n");
            }
        }

        return md.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Description prose and its example lines (after "Example:" / "Examples:").</summary>
    internal static (string Prose, List<string> Examples) Split(string? description)
    {
        var lines = (description ?? string.Empty).ReplaceLineEndings("\n").Split('\n');
        var prose = new List<string>();
        var examples = new List<string>();
        bool inExamples = false;
        foreach (var raw in lines)
        {
            string line = raw.Trim();
            if (line.StartsWith("Example", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal))
            {
                inExamples = true;
                string rest = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                if (rest.Length > 0)
                {
                    examples.Add(rest);
                }
            }
            else if (inExamples && line.Length > 0)
            {
                examples.Add(line);
            }
            else if (line.Length > 0)
            {
                prose.Add(line);
            }
        }

        return (string.Join('\n', prose), examples);
    }

    private static string Synopsis(string path, Command command)
    {
        if (command.Subcommands.Any(c => !c.Hidden) && command.Action is null)
        {
            return $"{path} <{string.Join('|', command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}> [options]";
        }

        var parts = new List<string> { path };
        parts.AddRange(command.Arguments.Where(a => !a.Hidden).Select(a => $"<{a.Name}>"));
        parts.AddRange(VisibleOptions(command).Where(o => o.Required).Select(o => $"{o.Name} <{o.Name.TrimStart('-')}>"));
        parts.Add("[options]");
        return string.Join(' ', parts);
    }

    private static string Default(Option option)
    {
        if (option.Required)
        {
            return "required";
        }

        if (!option.HasDefaultValue)
        {
            if (option.ValueType == typeof(bool))
            {
                return "off";
            }

            return "–";
        }

        object? value = option.GetDefaultValue();
        return value switch
        {
            null => "–",
            bool b => b ? "on" : "off",
            IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
            string { Length: 0 } => "–",
            _ => $"`{value}`",
        };
    }

    private static string Anchor(string path) => path.Replace(' ', '-');

    private static string Cell(string? text) => (text ?? string.Empty).ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
