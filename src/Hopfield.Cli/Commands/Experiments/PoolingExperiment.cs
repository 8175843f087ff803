using System.CommandLine;
using Hopfield.Cli.Experiments;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Charts;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Onnx.FeatureMaps;
using Spectre.Console;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary><c>hopfield experiment pooling</c>: Hopfield (attention) pooling vs mean and max pooling on multiple-instance bags.</summary>
internal static class PoolingExperiment
{
    public static Command Build(CliIO io)
    {
        var defaults = new PoolingSettings();
        var dataset = CommonOptions.Dataset();
        var target = new Option<int>("--target") { Description = "Target class: a bag is positive when it holds an item of it (8 = Bag, 6 = Shirt).", DefaultValueFactory = _ => defaults.TargetClass };
        var bagMin = new Option<int>("--bag-min") { Description = "Smallest bag.", DefaultValueFactory = _ => defaults.MinBag };
        var bagMax = new Option<int>("--bag-max") { Description = "Largest bag.", DefaultValueFactory = _ => defaults.MaxBag };
        var trainBags = new Option<int>("--train-bags") { Description = "Training bags (from the training split).", DefaultValueFactory = _ => defaults.TrainBags };
        var testBags = new Option<int>("--test-bags") { Description = "Held-out bags (from the test split).", DefaultValueFactory = _ => defaults.TestBags };
        var features = new Option<string>("--features") { Description = "Instance features: pixels (centred, unit length), projection (64-d random projection), or phi (needs --encoder).", DefaultValueFactory = _ => defaults.Features };
        features.AcceptOnlyFromAmong("projection", "pixels", "phi");
        var encoder = new Option<string?>("--encoder") { Description = "ONNX image encoder for --features phi." };
        var beta = new Option<float>("--beta") { Description = "β of the attention softmax (features are unit vectors).", DefaultValueFactory = _ => defaults.Beta };
        var reports = new Option<int>("--reports") { Description = "Held-out bags explained in the report.", DefaultValueFactory = _ => defaults.Reports };
        var outDir = CommonOptions.Out("Folder for the SVG AUC chart; none when omitted.");
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "pooling",
            "Multiple-instance learning on bags of Fashion-MNIST items (positive: holds an item of the target class): " +
            "mean, max and Hopfield (attention) pooling, each followed by the same logistic regression; AUC and accuracy " +
            "on held-out bags, and a report of what the attention looked at.\nExample:\n  hopfield experiment pooling --target 8 --features pixels")
        {
            dataset, target, bagMin, bagMax, trainBags, testBags, features, encoder, beta, reports, outDir, seed, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(outDir) is { Length: > 0 } outFolder)
            {
                CliIO.PrepareOutputFolder(outFolder); // fail before the run, not after it
            }

            using var phi = parse.GetValue(encoder) is { Length: > 0 } path ? OnnxFeatureMap.FromFile(path) : null;
            var settings = new PoolingSettings
            {
                TargetClass = parse.GetValue(target),
                MinBag = parse.GetValue(bagMin),
                MaxBag = parse.GetValue(bagMax),
                TrainBags = CapacityCurvesExperiment.Positive(parse.GetValue(trainBags), "--train-bags"),
                TestBags = CapacityCurvesExperiment.Positive(parse.GetValue(testBags), "--test-bags"),
                Features = parse.GetValue(features)!,
                Beta = parse.GetValue(beta),
                Reports = Math.Max(0, parse.GetValue(reports)),
                Seed = parse.GetValue(seed),
                Encoder = phi,
            };
            var train = ExperimentKit.LoadFashion(parse.GetValue(dataset), DataSplit.Train);
            var test = ExperimentKit.LoadFashion(parse.GetValue(dataset), DataSplit.Test);
            var (rows, bagReports, description) = io.WithProgress("pooling", p => Pooling.Run(train, test, settings, p.Report));
            string? chart = null;
            if (parse.GetValue(outDir) is { Length: > 0 } dir)
            {
                chart = Path.Combine(dir, "pooling-auc.svg");
                var cats = rows.Select(r => r.QueryFit switch
                {
                    "—" => r.Pooling,
                    var fit when fit.Contains("gradient", StringComparison.Ordinal) => "attn: trained q",
                    var fit when fit.Contains("closed", StringComparison.Ordinal) => "attn: closed-form q",
                    _ => "attn: class-mean q",
                }).ToList();
                SvgChart.Save(chart, SvgChart.Bar(cats, [ChartSeries.Bars("AUC", rows.Select(r => r.Auc).ToArray()), ChartSeries.Bars("accuracy", rows.Select(r => r.Accuracy).ToArray())],
                    new ChartOptions { Title = $"pooling: held-out bags, target {train.ClassNames[settings.TargetClass]}", XLabel = "pooling", YLabel = "AUC / accuracy", YMin = 0, YMax = 1, Width = 900 }));
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    target = settings.TargetClass,
                    target_name = train.ClassNames[settings.TargetClass],
                    features = description,
                    bag_size = new[] { settings.MinBag, settings.MaxBag },
                    train_bags = settings.TrainBags,
                    test_bags = settings.TestBags,
                    beta = settings.Beta,
                    seed = settings.Seed,
                    rows = rows.Select(r => new { pooling = r.Pooling, query_fit = r.QueryFit, auc = r.Auc, accuracy = r.Accuracy }),
                    reports = bagReports.Select(b => new
                    {
                        bag = b.Bag, positive = b.Positive, score = b.Score,
                        instances = b.Instances.Select(i => new { index = i.Index, label = i.Label, weight = i.Weight }),
                        prototypes = b.Prototypes.Select(p => new { prototype = p.Prototype, label = p.Label, weight = p.Weight }),
                    }),
                    chart,
                });
                return 0;
            }

            io.Line($"target class {settings.TargetClass} ({train.ClassNames[settings.TargetClass]}); features: {description}; bags of {settings.MinBag}–{settings.MaxBag}; β = {settings.Beta}");
            var table = new Table().AddColumns("pooling", "query fitted from", "held-out AUC", "held-out accuracy");
            foreach (var r in rows)
            {
                table.AddRow(r.Pooling, Markup.Escape(r.QueryFit), ExperimentKit.F(r.Auc), ExperimentKit.F(r.Accuracy));
            }

            io.Console.Write(table);
            foreach (var b in bagReports)
            {
                io.Line($"bag {b.Bag} ({(b.Positive ? "positive" : "negative")}, P(positive) = {ExperimentKit.F(b.Score)}): attended to " +
                    string.Join(", ", b.Instances.Select(i => $"#{i.Index} {i.Label} {ExperimentKit.F(i.Weight, "0.00")}")) +
                    "; recalls prototypes " + string.Join(", ", b.Prototypes.Select(p => $"P{p.Prototype} ({p.Label}) {ExperimentKit.F(p.Weight, "0.00")}")));
            }

            if (chart is not null)
            {
                io.Line($"wrote {chart}");
            }

            return 0;
        });
        return command;
    }
}
