using System.CommandLine;
using System.Globalization;
using Hopfield.Cli.Fuzzing;
using Hopfield.Cli.Infrastructure;
using Spectre.Console;

namespace Hopfield.Cli.Commands;

/// <summary><c>hopfield fuzz</c>: seeded mutation fuzzing of the file parsers (PNG, PNM, IDX, model files, ONNX loading).</summary>
internal static class FuzzCommand
{
    public static Command Build(CliIO io)
    {
        var parser = new Option<string>("--parser", "-p") { Description = "Which parser: png, pnm, idx, model, onnx or all.", DefaultValueFactory = _ => "all" };
        parser.AcceptOnlyFromAmong([.. FuzzTargets.Names, "all"]);
        var iterations = new Option<long>("--iterations", "-n") { Description = "Mutated inputs per parser.", DefaultValueFactory = _ => 10_000 };
        var timeoutMs = new Option<int>("--timeout-ms") { Description = "An input that takes longer than this is reported as a hang.", DefaultValueFactory = _ => 5_000 };
        var threads = new Option<int>("--threads", "-t") { Description = "Worker threads; 0 = all processors.", DefaultValueFactory = _ => 0 };
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "Extra seed files or folders (by extension: .png, .pgm/.ppm/.pbm/.pnm, *.idx*, .onnx, .hopfield); files that do not parse are skipped.",
            AllowMultipleArgumentsPerToken = true,
        };
        var iteration = new Option<long?>("--iteration") { Description = "Rebuild and run only this input (needs one --parser): reproduces a finding." };
        var save = new Option<string?>("--save") { Description = "With --iteration: also write the input's bytes to this file." };
        var journal = new Option<string?>("--journal") { Description = "Keep each worker's current input number in this file (memory-mapped), so that a native crash of the process leaves the input that caused it." };
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "fuzz",
            "Mutation-fuzz the parsers: bit flips, interesting bytes, truncation, splices, chunk duplication/removal and " +
            "length-field lies on small valid seeds. Every input must parse or be refused with the parser's documented " +
            "exception; anything else, or a hang, is a finding (exit code 1).\n" +
            "Examples:\n  hopfield fuzz --parser png --iterations 1000000\n  hopfield fuzz --parser idx --seed 1 --iteration 4711 --save input.idx")
        {
            parser, iterations, timeoutMs, threads, corpus, iteration, save, journal, seed, json,
        };
        command.SetAction(parse =>
        {
            string which = parse.GetValue(parser)!;
            long n = parse.GetValue(iterations);
            int timeout = parse.GetValue(timeoutMs);
            int t = parse.GetValue(threads);
            int s = parse.GetValue(seed);
            if (n < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(iterations), n, "--iterations must be 0 or more.");
            }

            if (timeout < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(timeoutMs), timeout, "--timeout-ms must be at least 1.");
            }

            if (t < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(threads), t, "--threads must be 0 (all processors) or more.");
            }

            t = t == 0 ? Environment.ProcessorCount : t;
            var files = ExpandCorpus(parse.GetValue(corpus) ?? []);
            var names = which == "all" ? FuzzTargets.Names : [which];
            if (parse.GetValue(iteration) is long one)
            {
                if (names.Count != 1)
                {
                    throw new UsageException("--iteration needs a single --parser.");
                }

                return Reproduce(io, FuzzTargets.Create(names[0], files), s, one, parse.GetValue(save), parse.GetValue(json), parse.GetValue(CommonOptions.Verbose));
            }

            var reports = new List<FuzzReport>();
            io.WithProgress($"fuzz {which}", progress =>
            {
                for (int k = 0; k < names.Count; k++)
                {
                    var target = FuzzTargets.Create(names[k], files);
                    int index = k;
                    reports.Add(FuzzRunner.Run(target, n, s, TimeSpan.FromMilliseconds(timeout), t,
                        done => progress.Report((index + (n == 0 ? 1.0 : (double)done / n)) / names.Count), parse.GetValue(journal)));
                }

                return 0;
            });

            long findings = reports.Sum(r => r.FindingCount);
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    seed = s,
                    iterations_per_parser = n,
                    timeout_ms = timeout,
                    threads = t,
                    findings,
                    parsers = reports.Select(r => new
                    {
                        parser = r.Parser,
                        inputs = r.Inputs,
                        accepted = r.Accepted,
                        rejected = r.Rejected,
                        findings = r.FindingCount,
                        seconds = r.Seconds,
                        inputs_per_second = r.InputsPerSecond,
                        seeds = r.Seeds,
                        documented_exceptions = r.DocumentedExceptions,
                        listed_findings = r.Findings.Select(f => new
                        {
                            seed = f.Seed,
                            iteration = f.Iteration,
                            kind = f.Kind,
                            exception = f.ExceptionType,
                            message = f.Message,
                            where = f.Where,
                            input_length = f.InputLength,
                            input_head = f.InputHead,
                        }),
                    }),
                });
            }
            else
            {
                var table = new Table().AddColumns("parser", "inputs", "accepted", "rejected (documented)", "findings", "inputs/s", "seconds");
                foreach (var r in reports)
                {
                    table.AddRow(
                        r.Parser,
                        r.Inputs.ToString("N0", CultureInfo.InvariantCulture),
                        r.Accepted.ToString("N0", CultureInfo.InvariantCulture),
                        r.Rejected.ToString("N0", CultureInfo.InvariantCulture),
                        r.FindingCount.ToString("N0", CultureInfo.InvariantCulture),
                        r.InputsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                        r.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
                }

                io.Console.Write(table);
                foreach (var f in reports.SelectMany(r => r.Findings))
                {
                    io.Line($"FINDING {f.Parser} seed {f.Seed} iteration {f.Iteration}: {(f.Kind == "hang" ? "hang" : f.ExceptionType)}: {f.Message}");
                    io.Line($"  at {f.Where}");
                    io.Line($"  reproduce: hopfield fuzz --parser {f.Parser} --seed {f.Seed} --iteration {f.Iteration} --save finding.bin");
                }
            }

            if (findings > 0)
            {
                io.Error.WriteLine($"hopfield: fuzzing found {findings} input(s) that crashed, hung or threw an undocumented exception.");
                return CliApp.BadInput;
            }

            return CliApp.Success;
        });
        return command;
    }

    private static int Reproduce(CliIO io, FuzzTarget target, int seed, long iteration, string? save, bool json, bool verbose)
    {
        byte[] input = FuzzRunner.Input(target, seed, iteration);
        if (!string.IsNullOrEmpty(save))
        {
            File.WriteAllBytes(save, input);
        }

        var finding = FuzzRunner.Check(target, seed, iteration, input, out bool accepted);
        string outcome = finding is not null ? "finding" : accepted ? "accepted" : "rejected";
        if (json)
        {
            io.WriteJson(new
            {
                parser = target.Name,
                seed,
                iteration,
                input_length = input.Length,
                outcome,
                exception = finding?.ExceptionType,
                message = finding?.Message,
                where = finding?.Where,
            });
        }
        else
        {
            io.Line($"{target.Name} seed {seed} iteration {iteration}: {input.Length} bytes, {outcome}" +
                (finding is null ? string.Empty : $": {finding.ExceptionType}: {finding.Message} at {finding.Where}"));
            if (verbose)
            {
                try
                {
                    target.Parse(input);
                }
                catch (Exception ex)
                {
                    io.Error.WriteLine(ex.ToString());
                }
            }
        }

        return finding is null ? CliApp.Success : CliApp.BadInput;
    }

    private static List<string> ExpandCorpus(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string p in paths)
        {
            if (Directory.Exists(p))
            {
                files.AddRange(Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(p))
            {
                files.Add(p);
            }
            else
            {
                throw new FileNotFoundException($"Corpus path not found: {p}", p);
            }
        }

        return files;
    }
}
