using System.CommandLine;
using Hopfield.Cli.Experiments;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Charts;
using Hopfield.ML.Imaging.Datasets;
using Spectre.Console;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary><c>hopfield experiment capacity-curves</c>: retrieval success against stored count for every similarity × separation.</summary>
internal static class CapacityCurvesExperiment
{
    public static Command Build(CliIO io)
    {
        var defaults = new CapacityCurvesSettings();
        var datasets = new Option<string>("--datasets") { Description = "Comma-separated: fashion, mnist.", DefaultValueFactory = _ => "fashion,mnist" };
        var dataset = CommonOptions.Dataset(fallback: "the embedded subset, 3000 train images");
        var mnist = new Option<string?>("--mnist") { Description = "Folder with the full MNIST IDX files (default: the embedded 1000-digit subset)." };
        var counts = new Option<string>("--counts") { Description = "Stored-image counts N.", DefaultValueFactory = _ => "10,20,50,100,200,500,1000" };
        var queries = new Option<int>("--queries") { Description = "Corrupted stored images queried per point (at most N).", DefaultValueFactory = _ => defaults.Queries };
        var beta = new Option<float>("--beta") { Description = "β of the softmax separation.", DefaultValueFactory = _ => defaults.Beta };
        var degree = new Option<int>("--degree") { Description = "Degree n of the polynomial separation relu(s)^n.", DefaultValueFactory = _ => defaults.Degree };
        var noise = new Option<float>("--noise") { Description = "σ of the Gaussian noise corruption.", DefaultValueFactory = _ => defaults.NoiseSigma };
        var mask = new Option<float>("--mask") { Description = "Fraction of rows zeroed from the bottom (half-image masking).", DefaultValueFactory = _ => defaults.MaskFraction };
        var threshold = new Option<double>("--sse") { Description = "Success: sum of squared errors ≤ this (pixels in [0, 1]).", DefaultValueFactory = _ => defaults.SseThreshold };
        var outDir = CommonOptions.Out("Folder for the SVG charts (one per data set × corruption); none when omitted.");
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "capacity-curves",
            "Universal Hopfield capacity curves: store N images (auto-association), query with Gaussian-noised and " +
            "bottom-half-masked stored images, count retrievals with SSE ≤ 60, for similarity {dot, cosine, euclidean, " +
            "manhattan} × separation {identity, softmax, max, polynomial}.\nExample:\n  hopfield experiment capacity-curves --out docs/images")
        {
            datasets, dataset, mnist, counts, queries, beta, degree, noise, mask, threshold, outDir, seed, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(outDir) is { Length: > 0 } outFolder)
            {
                CliIO.PrepareOutputFolder(outFolder); // fail before the run, not after it
            }

            var settings = new CapacityCurvesSettings
            {
                Counts = ExperimentKit.ParseInts(parse.GetValue(counts)!, "--counts", 1, 1_000_000),
                Queries = Positive(parse.GetValue(queries), "--queries"),
                Beta = parse.GetValue(beta),
                Degree = Positive(parse.GetValue(degree), "--degree"),
                NoiseSigma = parse.GetValue(noise),
                MaskFraction = parse.GetValue(mask),
                SseThreshold = parse.GetValue(threshold),
                Seed = parse.GetValue(seed),
            };
            var names = parse.GetValue(datasets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // Load (and so check) every data set before the long run, so a bad folder fails at once.
            var sets = names.Select(name => name switch
            {
                "fashion" => ExperimentKit.LoadFashion(parse.GetValue(dataset), DataSplit.Train),
                "mnist" => ExperimentKit.LoadMnist(parse.GetValue(mnist), option: "--mnist"),
                _ => throw new ArgumentException($"--datasets: unknown data set '{name}' (expected fashion or mnist).", nameof(datasets)),
            }).ToList();
            var curves = io.WithProgress("capacity curves", p =>
            {
                var all = new List<CapacityCurve>();
                for (int i = 0; i < names.Length; i++)
                {
                    int k = i;
                    all.AddRange(CapacityCurves.Run(sets[i], names[i], settings, f => p.Report((k + f) / names.Length)));
                }

                return all;
            });
            var charts = new List<string>();
            if (parse.GetValue(outDir) is { Length: > 0 } dir)
            {
                foreach (var group in curves.GroupBy(c => (c.Dataset, c.Corruption)))
                {
                    string file = Path.Combine(dir, $"capacity-{group.Key.Dataset}-{group.Key.Corruption.Split(':')[0]}.svg");
                    SvgChart.Save(file, SvgChart.Line(
                        group.Select(c => new ChartSeries($"{c.Similarity}+{c.Separation}", c.Counts.Select(x => (double)x).ToArray(), c.Success)).ToList(),
                        new ChartOptions
                        {
                            Title = $"{group.Key.Dataset}, {group.Key.Corruption}: fraction retrieved (SSE ≤ {settings.SseThreshold})",
                            XLabel = "stored images N (log scale)", YLabel = "fraction retrieved", LogX = true, YMin = 0, YMax = 1,
                        }));
                    charts.Add(file);
                }
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    counts = settings.Counts,
                    queries = settings.Queries,
                    beta = settings.Beta,
                    degree = settings.Degree,
                    noise_sigma = settings.NoiseSigma,
                    mask_fraction = settings.MaskFraction,
                    sse_threshold = settings.SseThreshold,
                    seed = settings.Seed,
                    curves = curves.Select(c => new { dataset = c.Dataset, corruption = c.Corruption, similarity = c.Similarity, separation = c.Separation, success = c.Success }),
                    charts,
                });
                return 0;
            }

            foreach (var group in curves.GroupBy(c => (c.Dataset, c.Corruption)))
            {
                io.Line($"{group.Key.Dataset}, {group.Key.Corruption}: fraction of queries retrieved with SSE ≤ {settings.SseThreshold}");
                var table = new Table().AddColumn("similarity+separation");
                foreach (int n in settings.Counts)
                {
                    table.AddColumn("N=" + ExperimentKit.I(n));
                }

                foreach (var c in group)
                {
                    table.AddRow([$"{c.Similarity}+{c.Separation}", .. c.Success.Select(v => ExperimentKit.F(v, "0.00"))]);
                }

                io.Console.Write(table);
            }

            foreach (string chart in charts)
            {
                io.Line($"wrote {chart}");
            }

            return 0;
        });
        return command;
    }

    internal static int Positive(int value, string option) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(option, value, $"{option} must be at least 1.");
}
