using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Processing;
using Hopfield.ML.Memories;
using Spectre.Console;

namespace Hopfield.Cli.Commands;

/// <summary>
/// <c>hopfield repair</c>: self-repairing binary images. Binarise, store, corrupt one, recall step by step,
/// write a PNG strip (original | corrupted | each step) and the fraction of wrong pixels after each step.
/// </summary>
internal static class RepairCommand
{
    public static Command Build(CliIO io)
    {
        var image = new Argument<string>("IMAGE") { Description = "The image to store, corrupt and repair (PNG, PGM, PPM or PBM)." };
        var also = new Option<string[]>("--also")
        {
            Description = "More images stored alongside (they compete with IMAGE in the memory).",
            AllowMultipleArgumentsPerToken = true,
        };
        var size = new Option<string?>("--size") { Description = "Resize every image to WxH first (default: the size of IMAGE)." };
        var noise = new Option<double>("--noise") { Description = "Fraction of pixels flipped in the corrupted copy, in [0, 0.5].", DefaultValueFactory = _ => 0.3 };
        var steps = new Option<int>("--steps") { Description = "Most recall sweeps (each is one update of every pixel).", DefaultValueFactory = _ => 8 };
        var rule = new Option<string>("--rule")
        {
            Description = "Learning rule: hebbian (bit-packed, any size), storkey or pseudoinverse (keep N×N weights: small images only).",
            DefaultValueFactory = _ => "hebbian",
        };
        rule.AcceptOnlyFromAmong("hebbian", "storkey", "pseudoinverse");
        var mode = new Option<string>("--mode") { Description = "async (random order, energy never rises) or sync (all pixels at once).", DefaultValueFactory = _ => "async" };
        mode.AcceptOnlyFromAmong("async", "sync");
        var output = CommonOptions.Out("Where to write the PNG strip (folders are created).", required: true);
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var command = new Command(
            "repair",
            "Self-repairing images: binarise IMAGE (and --also images), store them in a classical Hopfield network, " +
            "flip a fraction of IMAGE's pixels, recall step by step, and write a PNG strip original | corrupted | step 1 … " +
            "with the fraction of wrong pixels after each step. Hebbian storage is bit-packed, so 1024×1024 images are cheap.\n" +
            "Example: hopfield repair photo.png --also other.png --size 256x256 --noise 0.3 --out repair.png")
        {
            image, also, size, noise, steps, rule, mode, output, seed, json,
        };
        command.SetAction(parse =>
        {
            var paths = new List<string> { parse.GetValue(image)! };
            paths.AddRange(parse.GetValue(also) ?? []);
            var options = new RepairOptions(
                paths,
                ParseSize(parse.GetValue(size)),
                parse.GetValue(noise),
                parse.GetValue(steps),
                Enum.Parse<LearningRule>(parse.GetValue(rule)!, ignoreCase: true),
                parse.GetValue(mode) == "sync" ? BinaryUpdateMode.Synchronous : BinaryUpdateMode.Asynchronous,
                parse.GetValue(seed));
            var result = io.WithProgress("repair", p => Run(options, parse.GetValue(output)!, p));
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    wrong_fraction_by_step = result.WrongFractionByStep,
                    width = result.Width,
                    height = result.Height,
                    seconds = result.Seconds,
                    recall_seconds = result.RecallSeconds,
                    sweeps = result.Sweeps,
                    termination = result.Termination.ToString(),
                    stored = paths.Count,
                    rule = parse.GetValue(rule),
                    mode = parse.GetValue(mode),
                    noise = options.Noise,
                    pattern_bytes = result.PatternBytes,
                    output = result.OutputPath,
                    @out = result.OutputPath,
                });
                return 0;
            }

            var table = new Table().AddColumns("step", "wrong pixels");
            for (int i = 0; i < result.WrongFractionByStep.Count; i++)
            {
                table.AddRow(i == 0 ? "corrupted" : i.ToString(CultureInfo.InvariantCulture), result.WrongFractionByStep[i].ToString("P2", CultureInfo.InvariantCulture));
            }

            io.Console.Write(table);
            io.Line(
                $"{result.Width}×{result.Height} ({paths.Count} stored, {options.Rule.ToString().ToLowerInvariant()}): " +
                $"{result.Termination} after {result.Sweeps} sweep(s), recall {result.RecallSeconds:0.###} s; strip written to {result.OutputPath}");
            return 0;
        });
        return command;
    }

    internal sealed record RepairOptions(
        IReadOnlyList<string> Paths, (int Width, int Height)? Size, double Noise, int Steps, LearningRule Rule, BinaryUpdateMode Mode, int Seed);

    internal sealed record RepairResult(
        IReadOnlyList<double> WrongFractionByStep, int Width, int Height, double Seconds, double RecallSeconds,
        int Sweeps, BinaryRecallTermination Termination, long PatternBytes, string OutputPath);

    internal static RepairResult Run(RepairOptions options, string outputPath, IProgress<double>? progress = null)
    {
        if (options.Noise is < 0 or > 0.5 || double.IsNaN(options.Noise))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Noise, $"--noise must be in [0, 0.5] (got {options.Noise.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Steps, $"--steps must be at least 1 (got {options.Steps}).");
        }

        var clock = Stopwatch.StartNew();
        var first = ReadGrey(options.Paths[0]);
        var (width, height) = options.Size ?? (first.Width, first.Height);
        var patterns = new List<sbyte[]>(options.Paths.Count);
        for (int i = 0; i < options.Paths.Count; i++)
        {
            var grey = i == 0 ? first : ReadGrey(options.Paths[i]);
            if (grey.Width != width || grey.Height != height)
            {
                grey = Pixels.Resize(grey, width, height, ResizeMode.Area);
            }

            var bipolar = Pixels.BinarizeOtsu(grey.Data);
            patterns.Add(BipolarVector.FromSigns(bipolar));
        }

        progress?.Report(0.1);
        var network = new ClassicalHopfieldNetwork(width * height, options.Rule);
        foreach (var p in patterns)
        {
            network.Store(p);
        }

        var original = patterns[0];
        var corrupted = BipolarVector.Corrupt(original, options.Noise, new Random(options.Seed));
        var tiles = new List<float[]?> { ToTile(original), ToTile(corrupted) };
        var wrong = new List<double>();
        var recallClock = Stopwatch.StartNew();
        var result = network.Recall(corrupted, new BinaryRecallOptions
        {
            Mode = options.Mode,
            MaxSweeps = options.Steps,
            Seed = options.Seed,
            RecordEnergy = false,
            OnStep = (sweep, state) =>
            {
                wrong.Add(BipolarVector.MismatchFraction(state, original));
                progress?.Report(0.2 + (0.75 * sweep / options.Steps));
                if (sweep > 0)
                {
                    tiles.Add(ToTile(state));
                }
            },
        });
        double recallSeconds = recallClock.Elapsed.TotalSeconds;

        CliIO.PrepareOutputFile(outputPath);

        int scale = Math.Clamp(96 / Math.Max(width, height), 1, 16);
        ImageGrid.SavePng(outputPath, tiles, width, height, tiles.Count, new GridOptions { Scale = scale, Gap = Math.Max(2, Math.Min(width, height) / 64) });
        return new RepairResult(wrong, width, height, clock.Elapsed.TotalSeconds, recallSeconds, result.Sweeps, result.Termination, network.MemoryBytes, outputPath);
    }

    private static Image ReadGrey(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        }

        var image = ImageFile.Read(path);
        return image.Channels == 1 ? image : Pixels.ToGrayscale(image);
    }

    private static float[] ToTile(ReadOnlySpan<sbyte> state)
    {
        var tile = new float[state.Length];
        for (int i = 0; i < state.Length; i++)
        {
            tile[i] = state[i] > 0 ? 1f : 0f;
        }

        return tile;
    }

    internal static (int Width, int Height)? ParseSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split('x', 'X', '×');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            || w < 1 || h < 1 || w > 65536 || h > 65536)
        {
            throw new UsageException($"--size must look like WxH with each side in 1..65536 (got '{text}').");
        }

        return (w, h);
    }
}
