using System.CommandLine;
using Hopfield.Cli.Experiments;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Processing;
using Spectre.Console;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary><c>hopfield experiment segment</c>: segmentation masks retrieved by pattern completion.</summary>
internal static class SegmentExperiment
{
    public static Command Build(CliIO io)
    {
        var defaults = new SegmentSettings();
        var dataset = CommonOptions.Dataset();
        var stored = new Option<int>("--stored") { Description = "Training images stored with their masks.", DefaultValueFactory = _ => defaults.Stored };
        var queries = new Option<int>("--queries") { Description = "Queries per set (stored and held-out).", DefaultValueFactory = _ => defaults.Queries };
        var corruptions = new Option<string>("--corruptions") { Description = "Corruptions as name:severity, comma-separated (see hopfield demo).", DefaultValueFactory = _ => defaults.Corruptions };
        var beta = new Option<float>("--beta") { Description = "β of the softmax over negative Euclidean distances.", DefaultValueFactory = _ => defaults.Beta };
        var threshold = new Option<float>("--mask-threshold") { Description = "A pixel belongs to the object when its value exceeds this.", DefaultValueFactory = _ => defaults.MaskThreshold };
        var outDir = CommonOptions.Out("Folder for segment-examples.png; none when omitted.");
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "segment",
            "Segmentation as pattern completion: store image → silhouette pairs, retrieve the mask of a corrupted image " +
            "(threshold 0.5), and compare its IoU with thresholding the corrupted image itself, on stored and held-out images.\n" +
            "Example:\n  hopfield experiment segment --stored 3000 --out docs/images")
        {
            dataset, stored, queries, corruptions, beta, threshold, outDir, seed, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(outDir) is { Length: > 0 } outFolder)
            {
                CliIO.PrepareOutputFolder(outFolder); // fail before the run, not after it
            }

            var settings = new SegmentSettings
            {
                Stored = CapacityCurvesExperiment.Positive(parse.GetValue(stored), "--stored"),
                Queries = CapacityCurvesExperiment.Positive(parse.GetValue(queries), "--queries"),
                Corruptions = parse.GetValue(corruptions)!,
                Beta = parse.GetValue(beta),
                MaskThreshold = parse.GetValue(threshold),
                Seed = parse.GetValue(seed),
            };
            var train = ExperimentKit.LoadFashion(parse.GetValue(dataset), DataSplit.Train);
            var test = ExperimentKit.LoadFashion(parse.GetValue(dataset), DataSplit.Test);
            var (rows, examples) = io.WithProgress("segment", p => Segment.Run(train, test, settings, p.Report));
            string? picture = null;
            if (parse.GetValue(outDir) is { Length: > 0 } dir)
            {
                Directory.CreateDirectory(dir);
                picture = Path.Combine(dir, "segment-examples.png");
                var tiles = examples.SelectMany(e => new[] { e.Corrupted, e.Truth, e.Threshold, e.Memory }).Cast<float[]?>().ToList();
                ImageGrid.SavePng(picture, tiles, train.Width, train.Height, 4);
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    stored = settings.Stored,
                    queries = settings.Queries,
                    beta = settings.Beta,
                    mask_threshold = settings.MaskThreshold,
                    seed = settings.Seed,
                    rows = rows.Select(r => new { corruption = r.Corruption, queries = r.Queries, memory_iou = r.MemoryIou, threshold_iou = r.ThresholdIou, otsu_iou = r.OtsuIou }),
                    picture,
                });
                return 0;
            }

            var table = new Table().AddColumns("corruption", "queries", "memory IoU", "threshold IoU", "Otsu IoU");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.Corruption), r.Queries, ExperimentKit.F(r.MemoryIou), ExperimentKit.F(r.ThresholdIou), ExperimentKit.F(r.OtsuIou));
            }

            io.Console.Write(table);
            io.Line($"mean IoU against the silhouette (pixels > {ExperimentKit.F(settings.MaskThreshold, "0.##")}) of the clean image; {settings.Stored} stored pairs.");
            if (picture is not null)
            {
                io.Line($"wrote {picture} (columns: corrupted, true mask, threshold baseline, memory; two rows per corruption: stored, then held-out)");
            }

            return 0;
        });
        return command;
    }
}
