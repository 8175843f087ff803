using System.CommandLine;
using Hopfield.Cli.Experiments;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Charts;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Onnx.FeatureMaps;
using Spectre.Console;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary><c>hopfield experiment hash-association</c>: retrieve an image from a short key computed from it.</summary>
internal static class HashAssociationExperiment
{
    public static Command Build(CliIO io)
    {
        var defaults = new HashSettings();
        var dataset = CommonOptions.Dataset(fallback: "the embedded 3000 training images");
        var keys = new Option<string>("--keys") { Description = "Key kinds: simhash, thumbnail, sha256, phi (phi needs --encoder).", DefaultValueFactory = _ => "simhash,thumbnail,sha256" };
        var encoder = new Option<string?>("--encoder") { Description = "ONNX image encoder for phi keys (input [batch,1,28,28], output an embedding)." };
        var dims = new Option<string>("--dims") { Description = "Key sizes (thumbnails use the nearest square side).", DefaultValueFactory = _ => "8,16,32,64,128,256" };
        var counts = new Option<string>("--counts") { Description = "Stored pair counts.", DefaultValueFactory = _ => "100,1000,3000" };
        var queries = new Option<int>("--queries") { Description = "Stored images queried per cell.", DefaultValueFactory = _ => defaults.Queries };
        var flips = new Option<string>("--flips") { Description = "Fractions of ±1 key bits flipped.", DefaultValueFactory = _ => "0.05,0.1,0.2,0.3" };
        var keyNoise = new Option<string>("--key-noise") { Description = "σ of Gaussian noise added to keys (keys have unit RMS per coordinate).", DefaultValueFactory = _ => "0.5,1" };
        var imageNoise = new Option<string>("--image-noise") { Description = "σ of Gaussian pixel noise on the image the key is recomputed from.", DefaultValueFactory = _ => "0.05,0.1" };
        var outDir = CommonOptions.Out("Folder for the SVG charts; none when omitted.");
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "hash-association",
            "Compression by association: store (key, image) pairs in a hetero-associative Hopfield memory (negative " +
            "Euclidean similarity, max separation) with the key a short vector computed from the image, and retrieve the " +
            "original from a clean or damaged key (success: the retrieved image is the original; --json also gives SSE ≤ 60).\nExample:\n  hopfield experiment hash-association --dims 16,64 --counts 1000")
        {
            dataset, keys, encoder, dims, counts, queries, flips, keyNoise, imageNoise, outDir, seed, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(outDir) is { Length: > 0 } outFolder)
            {
                CliIO.PrepareOutputFolder(outFolder); // fail before the run, not after it
            }

            using var phi = parse.GetValue(encoder) is { Length: > 0 } path ? OnnxFeatureMap.FromFile(path) : null;
            var settings = new HashSettings
            {
                Keys = parse.GetValue(keys)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Dimensions = ExperimentKit.ParseInts(parse.GetValue(dims)!, "--dims", 1, 4096),
                Counts = ExperimentKit.ParseInts(parse.GetValue(counts)!, "--counts", 1, 1_000_000),
                Queries = CapacityCurvesExperiment.Positive(parse.GetValue(queries), "--queries"),
                Flips = ExperimentKit.ParseDoubles(parse.GetValue(flips)!, "--flips", 0, 1),
                KeyNoise = ExperimentKit.ParseDoubles(parse.GetValue(keyNoise)!, "--key-noise", 0, 100),
                ImageNoise = ExperimentKit.ParseDoubles(parse.GetValue(imageNoise)!, "--image-noise", 0, 10),
                Seed = parse.GetValue(seed),
                Encoder = phi,
            };
            var data = ExperimentKit.LoadFashion(parse.GetValue(dataset), DataSplit.Train);
            var rows = io.WithProgress("hash-association", p => HashAssociation.Run(data, settings, p.Report));
            var damages = settings.Damages;
            var charts = new List<string>();
            if (parse.GetValue(outDir) is { Length: > 0 } dir)
            {
                int n = settings.Counts.Max();
                var byDim = rows.Where(r => r.Count == n && r.Key != "phi").GroupBy(r => r.Key)
                    .Select(g => new ChartSeries(g.Key, g.Select(r => (double)r.Dimension).ToArray(), g.Select(r => r.Success[0]).ToArray())).ToList();
                if (byDim.Count > 0)
                {
                    string file = Path.Combine(dir, "hash-association-size.svg");
                    SvgChart.Save(file, SvgChart.Line(byDim, new ChartOptions
                    {
                        Title = $"hash-association: clean key, {n} stored images", XLabel = "key dimension (log scale)", YLabel = "fraction retrieved", LogX = true, YMin = 0, YMax = 1,
                    }));
                    charts.Add(file);
                }

                int d = settings.Dimensions.Contains(64) ? 64 : settings.Dimensions.Max();
                var noiseIdx = Enumerable.Range(0, damages.Count).Where(i => damages[i].Kind is "none" or "gauss").ToArray();
                var byNoise = rows.Where(r => r.Count == n && (r.Dimension == d || (r.Key == "thumbnail" && Math.Abs(r.Dimension - d) <= 2 * Math.Sqrt(d) + 1) || r.Key == "phi"))
                    .Select(r => new ChartSeries($"{r.Key} ({r.Dimension})", noiseIdx.Select(i => damages[i].Level).ToArray(), noiseIdx.Select(i => r.Success[i]).ToArray())).ToList();
                if (byNoise.Count > 0)
                {
                    string file = Path.Combine(dir, "hash-association-noise.svg");
                    SvgChart.Save(file, SvgChart.Line(byNoise, new ChartOptions
                    {
                        Title = $"hash-association: Gaussian key noise, {n} stored images", XLabel = "key noise σ (keys have unit RMS)", YLabel = "fraction retrieved", YMin = 0, YMax = 1,
                    }));
                    charts.Add(file);
                }
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    damages = damages.Select(x => x.Name),
                    queries = settings.Queries,
                    seed = settings.Seed,
                    sse_threshold = settings.SseThreshold,
                    rows = rows.Select(r => new { key = r.Key, dimension = r.Dimension, count = r.Count, success = r.Success, sse_success = r.SseSuccess }),
                    charts,
                });
                return 0;
            }

            var table = new Table().AddColumns("key", "dim", "stored");
            foreach (var dmg in damages)
            {
                table.AddColumn(Markup.Escape(dmg.Name));
            }

            foreach (var r in rows)
            {
                table.AddRow([r.Key, ExperimentKit.I(r.Dimension), ExperimentKit.I(r.Count), .. r.Success.Select(v => ExperimentKit.F(v, "0.00"))]);
            }

            io.Console.Write(table);
            io.Line("fraction of queries (random stored images) whose retrieval is exactly the original; n/a: bit flips are defined for ±1 keys only.");
            foreach (string chart in charts)
            {
                io.Line($"wrote {chart}");
            }

            return 0;
        });
        return command;
    }
}
