using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hopfield.Cli.Commands.Experiments;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Onnx.Runtime;
using Spectre.Console;

namespace Hopfield.Cli.Commands;

/// <summary>
/// <c>hopfield bench soak</c>: many ONNX Runtime runs on one session, then many session create/dispose cycles, sampling the
/// resident set size (VmRSS) as it goes, to show that native memory stays flat.
/// </summary>
internal static class BenchSoakCommand
{
    public static Command Build(CliIO io)
    {
        var model = new Option<string?>("--model", "-m") { Description = "ONNX model with one float input [batch, ...] (default: onnx/models/classifier.onnx, found above the tool or the current folder)." };
        var runs = new Option<int>("--runs", "-n") { Description = "Runs on one session (batch 1) after the warm-up.", DefaultValueFactory = _ => 100_000 };
        var sampleEvery = new Option<int>("--sample-every") { Description = "Sample the resident memory every this many runs.", DefaultValueFactory = _ => 10_000 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs before the baseline sample.", DefaultValueFactory = _ => 1_000 };
        var cycles = new Option<int>("--cycles") { Description = "Session create/run/dispose cycles in the second phase (0 = skip).", DefaultValueFactory = _ => 1_000 };
        var cycleSampleEvery = new Option<int>("--cycle-sample-every") { Description = "Sample the resident memory every this many cycles.", DefaultValueFactory = _ => 100 };
        var threads = new Option<int>("--threads", "-t") { Description = "ONNX Runtime intra-op threads (0 = its default).", DefaultValueFactory = _ => 1 };
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "soak",
            "Native-resource soak: RUNS batch-1 runs of an ONNX model on one session, resident memory (VmRSS) sampled every SAMPLE-EVERY runs, " +
            "then CYCLES session create/run/dispose cycles. A forced GC precedes every sample, so the figures show native growth, not garbage.\n" +
            "Example:\n  hopfield bench soak --runs 100000 --json")
        {
            model, runs, sampleEvery, warmup, cycles, cycleSampleEvery, threads, seed, json,
        };
        command.SetAction(parse =>
        {
            var options = new SoakOptions(
                parse.GetValue(model) ?? ModelFiles.Find("classifier.onnx"),
                parse.GetValue(runs),
                parse.GetValue(sampleEvery),
                parse.GetValue(warmup),
                parse.GetValue(cycles),
                parse.GetValue(cycleSampleEvery),
                parse.GetValue(threads),
                parse.GetValue(seed));
            var r = io.WithProgress($"soak {options.Runs} runs + {options.Cycles} cycles", p => Run(options, p));
            if (parse.GetValue(json))
            {
                io.WriteJson(r);
                return 0;
            }

            io.Line($"model {Path.GetFileName(r.Model)}, input {r.InputShape}, ONNX Runtime {r.OnnxRuntimeVersion}, intra-op threads {r.IntraOpThreads}, RSS source {r.RssSource}");
            var table = new Table().AddColumns("phase", "after", "RSS MiB", "managed MiB", "seconds");
            table.AddRow("runs", "start (no session)", Mib(r.RssStartKb), "", "");
            table.AddRow("runs", $"{r.Warmup:N0} warm-up runs", Mib(r.RssAfterWarmupKb), "", "");
            foreach (var s in r.Samples)
            {
                table.AddRow("runs", s.Count.ToString("N0", CultureInfo.InvariantCulture) + " runs", Mib(s.RssKb), Mib(s.ManagedKb), s.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
            }

            foreach (var s in r.CycleSamples)
            {
                table.AddRow("create/dispose", s.Count.ToString("N0", CultureInfo.InvariantCulture) + " cycles", Mib(s.RssKb), Mib(s.ManagedKb), s.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
            }

            io.Console.Write(table);
            io.Line(string.Create(CultureInfo.InvariantCulture,
                $"RSS growth over {r.Runs:N0} runs after warm-up: {r.RunGrowthKb:+#,0;-#,0;0} KiB ({r.RunGrowthAfterFirstSampleKb:+#,0;-#,0;0} KiB after the first sample; {r.RunsPerSecond:N0} runs/s); " +
                $"over {r.Cycles:N0} create/dispose cycles: {r.CycleGrowthKb:+#,0;-#,0;0} KiB ({r.CycleGrowthAfterFirstSampleKb:+#,0;-#,0;0} KiB after the first sample)."));
            return 0;
        });
        return command;
    }

    /// <summary>Runs both phases.</summary>
    internal static SoakResult Run(SoakOptions o, IProgress<double> progress)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(o.Runs, "--runs");
        ArgumentOutOfRangeException.ThrowIfLessThan(o.SampleEvery, 1, "--sample-every");
        ArgumentOutOfRangeException.ThrowIfNegative(o.Warmup, "--warmup");
        ArgumentOutOfRangeException.ThrowIfNegative(o.Cycles, "--cycles");
        ArgumentOutOfRangeException.ThrowIfLessThan(o.CycleSampleEvery, 1, "--cycle-sample-every");
        ArgumentOutOfRangeException.ThrowIfNegative(o.IntraOpThreads, "--threads");
        if (!File.Exists(o.ModelPath))
        {
            throw new FileNotFoundException($"The ONNX model '{o.ModelPath}' does not exist.", o.ModelPath);
        }

        byte[] bytes = File.ReadAllBytes(o.ModelPath);
        var sessionOptions = new OnnxSessionOptions { IntraOpThreads = o.IntraOpThreads };
        long rssStart = Sample(out _);
        var clock = Stopwatch.StartNew();
        var samples = new List<SoakSample>();
        long rssAfterWarmup;
        string inputShape;
        double runSeconds;
        using (var session = OnnxSession.FromBytes(bytes, sessionOptions))
        {
            var info = session.Inputs[0];
            long[] shape = [1, .. info.Shape.Skip(1).Select(d => d < 0 ? 1 : d)];
            inputShape = "[" + string.Join(", ", shape) + "]";
            var rng = new Random(o.Seed);
            float[] data = new float[shape.Aggregate(1L, (a, d) => a * d)];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = rng.NextSingle();
            }

            var input = new OnnxTensor(data, shape);
            for (int i = 0; i < o.Warmup; i++)
            {
                session.Run(input);
            }

            rssAfterWarmup = Sample(out _);
            var runClock = Stopwatch.StartNew();
            for (int i = 1; i <= o.Runs; i++)
            {
                session.Run(input);
                if (i % o.SampleEvery == 0 || i == o.Runs)
                {
                    long rss = Sample(out long managed);
                    samples.Add(new SoakSample(i, rss, managed, runClock.Elapsed.TotalSeconds));
                    progress.Report(0.5 * i / o.Runs);
                }
            }

            runSeconds = runClock.Elapsed.TotalSeconds;
        }

        long rssAfterDispose = Sample(out _);
        var cycleSamples = new List<SoakSample>();
        long rssBeforeCycles = rssAfterDispose;
        var cycleClock = Stopwatch.StartNew();
        for (int c = 1; c <= o.Cycles; c++)
        {
            using (var session = OnnxSession.FromBytes(bytes, sessionOptions))
            {
                long[] shape = [1, .. session.Inputs[0].Shape.Skip(1).Select(d => d < 0 ? 1 : d)];
                session.Run(new OnnxTensor(new float[shape.Aggregate(1L, (a, d) => a * d)], shape));
            }

            if (c % o.CycleSampleEvery == 0 || c == o.Cycles)
            {
                long rss = Sample(out long managed);
                cycleSamples.Add(new SoakSample(c, rss, managed, cycleClock.Elapsed.TotalSeconds));
                progress.Report(0.5 + (0.5 * c / o.Cycles));
            }
        }

        long lastRun = samples.Count > 0 ? samples[^1].RssKb : rssAfterWarmup;
        long lastCycle = cycleSamples.Count > 0 ? cycleSamples[^1].RssKb : rssBeforeCycles;
        long firstRun = samples.Count > 0 ? samples[0].RssKb : rssAfterWarmup;
        long firstCycle = cycleSamples.Count > 0 ? cycleSamples[0].RssKb : rssBeforeCycles;
        return new SoakResult(
            o.ModelPath, inputShape, OnnxRuntime.Version, o.IntraOpThreads, RssSource, o.Runs, o.SampleEvery, o.Warmup,
            rssStart, rssAfterWarmup, samples, lastRun, lastRun - rssAfterWarmup, lastRun - firstRun, runSeconds > 0 ? o.Runs / runSeconds : 0,
            rssAfterDispose, o.Cycles, o.CycleSampleEvery, rssBeforeCycles, cycleSamples, lastCycle, lastCycle - rssBeforeCycles, lastCycle - firstCycle,
            clock.Elapsed.TotalSeconds);
    }

    private static string RssSource => File.Exists("/proc/self/status") ? "/proc/self/status VmRSS" : "Environment.WorkingSet";

    /// <summary>Collects garbage (so that finalisable native handles are released and the managed heap is compacted), then reads the RSS in KiB.</summary>
    private static long Sample(out long managedKb)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        managedKb = GC.GetTotalMemory(forceFullCollection: false) / 1024;
        return ResidentKb();
    }

    internal static long ResidentKb()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (string line in File.ReadLines(status))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                }
            }
        }

        return Environment.WorkingSet / 1024;
    }

    private static string Mib(long kb) => (kb / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>Settings of <see cref="BenchSoakCommand"/>.</summary>
internal sealed record SoakOptions(string ModelPath, int Runs, int SampleEvery, int Warmup, int Cycles, int CycleSampleEvery, int IntraOpThreads, int Seed);

/// <summary>One sample: after <paramref name="Count"/> runs (or cycles), the RSS and managed heap in KiB, seconds since the phase began.</summary>
internal sealed record SoakSample(int Count, long RssKb, long ManagedKb, double Seconds);

/// <summary>What the soak measured (KiB throughout).</summary>
internal sealed record SoakResult(
    string Model,
    string InputShape,
    string OnnxRuntimeVersion,
    int IntraOpThreads,
    string RssSource,
    int Runs,
    int SampleEvery,
    int Warmup,
    long RssStartKb,
    long RssAfterWarmupKb,
    IReadOnlyList<SoakSample> Samples,
    long RssEndKb,
    long RunGrowthKb,
    long RunGrowthAfterFirstSampleKb,
    double RunsPerSecond,
    long RssAfterDisposeKb,
    int Cycles,
    int CycleSampleEvery,
    long RssBeforeCyclesKb,
    IReadOnlyList<SoakSample> CycleSamples,
    long RssEndCyclesKb,
    long CycleGrowthKb,
    long CycleGrowthAfterFirstSampleKb,
    double Seconds);
