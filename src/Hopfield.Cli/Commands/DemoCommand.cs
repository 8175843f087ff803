using System.CommandLine;
using System.Globalization;
using Hopfield.Cli.Commands.Experiments;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Processing;

namespace Hopfield.Cli.Commands;

/// <summary>
/// <c>hopfield demo</c>: the main job on the embedded data. Fits a softmax-regression classifier without and with a
/// HopfieldDenoise stage, corrupts the test images, prints the accuracy table and writes a PNG grid
/// (original | corrupted | denoised).
/// </summary>
internal static class DemoCommand
{
    /// <summary>The corruptions the demo applies by default.</summary>
    public const string DefaultCorruptions = "gaussian:0.5,salt-pepper:0.2,mask:0.5,occlusion:0.5,bottom-mask:0.4,translate:4,rotate:25";

    public static Command Build(CliIO io)
    {
        var json = CommonOptions.Json();
        var outPath = CommonOptions.Out("Where to write the PNG grid (folders are created).", defaultValue: Path.Combine("out", "demo.png"));
        var corruptions = new Option<string>("--corruptions")
        {
            Description = "NAME[:SEVERITY],… from: " + string.Join(", ", Corruptions.Names),
            DefaultValueFactory = _ => DefaultCorruptions,
        };
        var examples = new Option<int>("--examples") { Description = "Examples per corruption in the PNG grid.", DefaultValueFactory = _ => 2 };
        var settings = DenoiseOptions.Create();
        var command = new Command(
            "demo",
            "The main job on the embedded Fashion-MNIST subset: a softmax-regression classifier without and with a HopfieldDenoise " +
            "stage (a modern Hopfield memory of the training images) on corrupted test images; prints the accuracy table and writes " +
            "a PNG grid original | corrupted | denoised.\nExamples:\n  hopfield demo\n  hopfield demo --out out/demo.png --json")
        {
            outPath, corruptions, examples, json,
        };
        settings.AddTo(command);
        command.SetAction(parse =>
        {
            var s = settings.Read(parse);
            int perCorruption = parse.GetValue(examples);
            if (perCorruption < 0)
            {
                throw new UsageException("--examples must be ≥ 0.");
            }

            var specs = Corruptions.Parse(parse.GetValue(corruptions)!);
            var (train, test) = DenoiseRunner.LoadData("embedded", s.TrainCount, s.TestCount);
            var result = io.WithProgress("demo", p => DenoiseRunner.Run(train, test, specs, s, p));

            string path = parse.GetValue(outPath)!;
            var tiles = new List<float[]?>();
            var rng = new Random(s.Seed);
            for (int c = 0; c < specs.Count; c++)
            {
                for (int e = 0; e < Math.Min(perCorruption, test.Count); e++)
                {
                    int i = rng.Next(test.Count);
                    var corrupted = result.CorruptedImages[c][i];
                    tiles.Add(test.Images[i]);
                    tiles.Add(corrupted);
                    tiles.Add(Clamp(result.Denoise(corrupted)));
                }
            }

            if (tiles.Count > 0)
            {
                path = CliIO.PrepareOutputFile(path);
                ImageGrid.SavePng(path, tiles, test.Width, test.Height, columns: 3 * Math.Min(perCorruption, test.Count));
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    train = train.Count,
                    test = test.Count,
                    settings = s.Describe(),
                    clean = Row(result.Clean),
                    rows = result.Corrupted.Select(Row),
                    mean_accuracy_without = result.Corrupted.Count == 0 ? 0 : result.Corrupted.Average(r => r.AccuracyWithout),
                    mean_accuracy_with = result.Corrupted.Count == 0 ? 0 : result.Corrupted.Average(r => r.AccuracyWith),
                    mean_gain = result.MeanCorruptedGain,
                    png = tiles.Count > 0 ? path : null,
                    @out = tiles.Count > 0 ? path : null,
                    seconds = result.Elapsed.TotalSeconds,
                });
                return 0;
            }

            io.Line($"Fashion-MNIST (embedded): {train.Count} training and {test.Count} test images, {train.ClassNames.Count} classes.");
            io.Line($"Softmax regression without / with a HopfieldDenoise stage ({s.Describe()}).");
            DenoiseRunner.WriteTable(io, result);
            io.Line(string.Create(CultureInfo.InvariantCulture,
                $"Mean gain over the corruptions: {100 * result.MeanCorruptedGain:+0.0;-0.0;0.0} points; clean: {100 * result.Clean.Gain:+0.0;-0.0;0.0} points."));
            if (tiles.Count > 0)
            {
                io.Line($"Wrote {path} (one row per corruption; each example: original | corrupted | denoised).");
            }

            io.Line(string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalSeconds:0.0} s"));
            return 0;
        });
        return command;
    }

    private static object Row(DenoiseRow r) => new
    {
        corruption = r.Corruption,
        severity = r.Severity,
        accuracy_without = r.AccuracyWithout,
        accuracy_with = r.AccuracyWith,
        gain = r.Gain,
    };

    private static float[] Clamp(float[] v)
    {
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Clamp(v[i], 0f, 1f);
        }

        return v;
    }
}
