using System.CommandLine;
using Hopfield.Cli.Experiments;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Charts;
using Spectre.Console;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary><c>hopfield experiment crypto8</c>: memorisation without generalisation on byte functions (AES S-box, SHA-256/8).</summary>
internal static class Crypto8Experiment
{
    public static Command Build(CliIO io)
    {
        var defaults = new Crypto8Settings();
        var functions = new Option<string>("--functions") { Description = "Comma-separated: aes (AES S-box), sha8 (first byte of SHA-256 of the byte), xor (x XOR 0x5A, a structured control).", DefaultValueFactory = _ => "aes,sha8,xor" };
        var fractions = new Option<string>("--fractions") { Description = "Fractions of the 256-entry table stored / trained on.", DefaultValueFactory = _ => "0.5,0.75" };
        var repeats = new Option<int>("--repeats") { Description = "Random train/held-out splits averaged.", DefaultValueFactory = _ => defaults.Repeats };
        var beta = new Option<float>("--beta") { Description = "β of the memory's softmax over dot products of ±1 bit vectors.", DefaultValueFactory = _ => defaults.Beta };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units of the MLP baseline.", DefaultValueFactory = _ => defaults.Hidden };
        var epochs = new Option<int>("--epochs") { Description = "Full-batch Adam epochs of the learned baselines.", DefaultValueFactory = _ => defaults.Epochs };
        var outDir = CommonOptions.Out("Folder for the SVG bar chart of held-out accuracy; none when omitted.");
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "crypto8",
            "Store part of a byte function's table (±1 8-bit keys → ±1 8-bit values) in a hetero-associative Hopfield " +
            "memory and test on stored and held-out inputs, against softmax regression, a small MLP and chance (1/256).\n" +
            "Example:\n  hopfield experiment crypto8 --fractions 0.5,0.75 --repeats 3")
        {
            functions, fractions, repeats, beta, hidden, epochs, outDir, seed, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(outDir) is { Length: > 0 } outFolder)
            {
                CliIO.PrepareOutputFolder(outFolder); // fail before the run, not after it
            }

            var settings = new Crypto8Settings
            {
                Functions = parse.GetValue(functions)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Fractions = ExperimentKit.ParseDoubles(parse.GetValue(fractions)!, "--fractions", 0.001, 0.999),
                Repeats = CapacityCurvesExperiment.Positive(parse.GetValue(repeats), "--repeats"),
                Beta = parse.GetValue(beta),
                Hidden = CapacityCurvesExperiment.Positive(parse.GetValue(hidden), "--hidden"),
                Epochs = CapacityCurvesExperiment.Positive(parse.GetValue(epochs), "--epochs"),
                Seed = parse.GetValue(seed),
            };
            foreach (string f in settings.Functions)
            {
                _ = Crypto8.Apply(f, 0); // names the bad function before any work
            }

            var rows = io.WithProgress("crypto8", p => Crypto8.Run(settings, p.Report));
            string? chart = null;
            if (parse.GetValue(outDir) is { Length: > 0 } dir)
            {
                var cats = rows.Select(r => $"{r.Function} {r.TrainFraction:0%}").Distinct().ToList();
                var models = rows.Select(r => r.Model).Distinct().ToList();
                chart = Path.Combine(dir, "crypto8-heldout.svg");
                SvgChart.Save(chart, SvgChart.Bar(
                    cats,
                    models.Select(m => ChartSeries.Bars(m, cats.Select(c => rows.First(r => r.Model == m && $"{r.Function} {r.TrainFraction:0%}" == c).HeldOutAccuracy).ToArray())).ToList(),
                    new ChartOptions { Title = "crypto8: exact accuracy on held-out inputs", XLabel = "function, fraction stored", YLabel = "held-out accuracy", YMin = 0, YMax = 1 }));
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    functions = settings.Functions,
                    fractions = settings.Fractions,
                    repeats = settings.Repeats,
                    beta = settings.Beta,
                    hidden = settings.Hidden,
                    epochs = settings.Epochs,
                    seed = settings.Seed,
                    rows = rows.Select(r => new
                    {
                        function = r.Function, train_fraction = r.TrainFraction, model = r.Model,
                        stored_accuracy = r.StoredAccuracy, held_out_accuracy = r.HeldOutAccuracy, held_out_bit_accuracy = r.HeldOutBitAccuracy,
                    }),
                    chart,
                });
                return 0;
            }

            var table = new Table().AddColumns("function", "stored", "model", "stored acc.", "held-out acc.", "held-out bit acc.");
            foreach (var r in rows)
            {
                table.AddRow(r.Function, ExperimentKit.F(r.TrainFraction, "0%"), Markup.Escape(r.Model), ExperimentKit.F(r.StoredAccuracy),
                    ExperimentKit.F(r.HeldOutAccuracy), ExperimentKit.F(r.HeldOutBitAccuracy));
            }

            io.Console.Write(table);
            io.Line($"mean of {settings.Repeats} random splits (seed {settings.Seed}); chance is 1/256 = 0.004 exact, 0.5 per bit.");
            if (chart is not null)
            {
                io.Line($"wrote {chart}");
            }

            return 0;
        });
        return command;
    }
}
