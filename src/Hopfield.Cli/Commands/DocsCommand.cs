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

        `hopfield` runs the library's associative memories from the command line. Run it from the repository with
        `dotnet run --project src/Hopfield.Cli -c Release -- <command> [options]`; the project also packs as the .NET tool
        `Hopfield.Cli` (command `hopfield`).

        This page is generated from the command tree: `hopfield docs -o docs/cli.md` rewrites it, and a test fails when a
        command or option is missing from it. `hopfield --help` and `hopfield <command> --help` print the same descriptions.

        ## Conventions

        - **Output.** Every command prints a readable table or a few lines on standard output. With `--json` it prints
          exactly one JSON object instead (snake_case keys, indented; NaN and infinities as the strings `"NaN"`,
          `"Infinity"`), and nothing else on standard output, so `hopfield … --json | jq .` always works. The object
          repeats the settings that were run (sizes, `seed`, …) next to the results; `seconds` is the wall-clock time
          where the command measures it; the file a command wrote is under `out` (experiments: `chart`, `charts`,
          `picture`). Each command below lists its keys.
        - **Errors** go to standard error as one line starting with `hopfield:` that names the bad value, option or file.
          Add `-v` / `--verbose` (any command) for the stack trace.
        - **Progress bars** (Spectre.Console) are drawn on standard error for the slow commands (demo, capacity, repair,
          bench, embed, experiments), and only when standard error is a terminal: redirected or captured output never
          contains them, and `hopfield demo --json > demo.json` still shows progress on the terminal.
        - **Shared options** mean the same everywhere: `--json`; `--seed N` (repeatable randomness; every seeded command
          gives the same result for the same seed); `-o, --out` (the file or folder written; `--output` is accepted too);
          `--dataset DIR` (a folder with the full IDX files, `--data` accepted too; the embedded subset when omitted);
          `-i, --images FILE` (one IDX image file); `--similarity` (dot, cosine, l2 or euclidean, l1 or manhattan, on
          every command that has it), `--separation`, `--beta`, `--top-k` for universal memories; `--threads` where the
          work can be limited to a number of threads (0 = all processors).
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

    /// <summary>What each command prints: the table or lines, and the top-level keys of its --json object.</summary>
    /// <remarks>A test checks these keys against real --json output, so they cannot drift.</remarks>
    internal static readonly Dictionary<string, (string Text, string JsonKeys)> Prints = new(StringComparer.Ordinal)
    {
        ["hopfield demo"] = ("The data set sizes, a table of accuracy without / with the HopfieldDenoise stage and the gain per corruption (clean first), the mean gain, and the path of the PNG grid.", "train, test, settings, clean, rows, mean_accuracy_without, mean_accuracy_with, mean_gain, png, out, seconds"),
        ["hopfield capacity"] = ("A table: memory, N, trials, measured α ± spread, theoretical α, seconds; the theory it is compared with and the critical pattern count of every trial.", "alpha, alpha_std, trial_alphas, critical_patterns, neurons, trials, model, rule, interaction, degree, overlap_threshold, theoretical, theoretical_basis, search_limit_reached, seed, seconds"),
        ["hopfield repair"] = ("A table of the fraction of wrong pixels after each step (corrupted first), then the size, the rule, how recall ended and where the strip was written.", "wrong_fraction_by_step, width, height, seconds, recall_seconds, sweeps, termination, stored, rule, mode, noise, pattern_bytes, output, out"),
        ["hopfield experiment denoise"] = ("A table of accuracy without / with the stage per corruption (clean first) and the mean gain; with --space phi|both also the φ-space vote and the tuned β values.", "dataset, classifier, train, test, settings, rows, mean_gain, clean_change, space, phi_beta, vote_beta, mean_vote_gain, clean_vote_change, seconds"),
        ["hopfield experiment semantic"] = ("Exact-retrieval rates per corruption in pixel space and in φ space for each similarity, then the fully semantic memory's rate and MSEs.", "stored, encoder, autoencoder, fully_semantic_similarity, seed, criterion, rows, seconds"),
        ["hopfield experiment capacity-curves"] = ("One table per data set × corruption: success rate by stored count for every similarity × separation; the SVG charts with --out.", "counts, queries, beta, degree, noise_sigma, mask_fraction, sse_threshold, seed, curves, charts"),
        ["hopfield experiment crypto8"] = ("A table per function and stored fraction: stored, held-out and held-out bit accuracy of the memory and the baselines; an SVG chart with --out.", "functions, fractions, repeats, beta, hidden, epochs, seed, rows, chart"),
        ["hopfield experiment hash-association"] = ("Tables of exact-retrieval rates by key kind, key size and stored count, for clean and damaged keys; SVG charts with --out.", "damages, queries, seed, sse_threshold, rows, charts"),
        ["hopfield experiment segment"] = ("A table of mean IoU of the retrieved mask vs thresholding, per corruption, for stored and held-out queries; segment-examples.png with --out.", "stored, queries, beta, mask_threshold, seed, rows, picture"),
        ["hopfield experiment pooling"] = ("A table of AUC and accuracy on held-out bags for mean, max and Hopfield pooling, and what the attention looked at in a few bags; an SVG chart with --out.", "target, target_name, features, bag_size, train_bags, test_bags, beta, seed, rows, reports, chart"),
        ["hopfield bench retrieval"] = ("A table: P×D×B, similarity, separation, queries/s, GFLOP/s, median seconds per batch, queries per CPU-second.", "queries_per_second, gflops, median_seconds, cpu_seconds, queries_per_cpu_second, seconds, patterns, dim, queries, similarity, separation, beta, top_k, threads, storage, sparse, screen, max_abs_difference, screen_fallback_fraction, exact_scores_per_query, repeats, warmup, seed, flop_convention"),
        ["hopfield bench soak"] = ("Resident memory (VmRSS) at the start, after warm-up and every SAMPLE-EVERY runs, the growth, runs per second; then the same for the create/run/dispose cycles.", "model, input_shape, onnx_runtime_version, intra_op_threads, rss_source, runs, sample_every, warmup, rss_start_kb, rss_after_warmup_kb, samples, rss_end_kb, run_growth_kb, run_growth_after_first_sample_kb, runs_per_second, rss_after_dispose_kb, cycles, cycle_sample_every, rss_before_cycles_kb, cycle_samples, rss_end_cycles_kb, cycle_growth_kb, cycle_growth_after_first_sample_kb, seconds"),
        ["hopfield bench recall"] = ("A table: N, P, ms per sweep, ms per one-sweep Recall call, pattern bytes, overlap after one sweep.", "seconds_per_sweep, cpu_seconds_per_sweep, recall_seconds, pattern_bytes, overlap, seconds, neurons, patterns, noise, repeats, seed"),
        ["hopfield embed"] = ("The shape written (rows × dim float32, which model output) and the encoding speed.", "rows, dim, out, model, input, output, batch, seconds, median_seconds, seconds_all, images_per_second"),
        ["hopfield export-onnx"] = ("What was exported, where, its size and SHA-256, and the model's inputs and outputs.", "out, bytes, sha256, patterns, dim, similarity, separation, beta, k, degree, input, outputs (semantic exports: inputs, outputs with their shapes)"),
    };

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

            if (Prints.TryGetValue(path, out var prints))
            {
                md.Append(CultureInfo.InvariantCulture, $"Prints: {prints.Text}\n\n");
                md.Append(CultureInfo.InvariantCulture, $"`--json` keys: {Keys(prints.JsonKeys)}.\n\n");
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

    private static string Keys(string keys)
    {
        int note = keys.IndexOf(" (", StringComparison.Ordinal);
        string list = note < 0 ? keys : keys[..note];
        string rest = note < 0 ? string.Empty : keys[note..];
        return string.Join(", ", list.Split(", ").Select(k => $"`{k}`")) + rest;
    }

    private static string Anchor(string path) => path.Replace(' ', '-');

    private static string Cell(string? text) => (text ?? string.Empty).ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
