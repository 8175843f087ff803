using System.CommandLine;
using System.Globalization;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Memories;
using Spectre.Console;

namespace Hopfield.Cli.Commands;

/// <summary><c>hopfield capacity</c>: the critical load of a classical or dense binary memory.</summary>
internal static class CapacityCommand
{
    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model")
        {
            Description = "classical (1982 network with a learning rule) or dense (Krotov–Hopfield / Demircigil).",
            DefaultValueFactory = _ => "classical",
        };
        model.AcceptOnlyFromAmong("classical", "dense");
        var rule = new Option<string>("--rule")
        {
            Description = "Learning rule of the classical network: hebbian, storkey or pseudoinverse.",
            DefaultValueFactory = _ => "hebbian",
        };
        rule.AcceptOnlyFromAmong("hebbian", "storkey", "pseudoinverse");
        var interaction = new Option<string>("--interaction")
        {
            Description = "Interaction F of the dense memory: rectified (x^n for x>0), polynomial (x^n) or exponential (exp x).",
            DefaultValueFactory = _ => "rectified",
        };
        interaction.AcceptOnlyFromAmong("rectified", "polynomial", "exponential");
        var degree = new Option<int>("--degree") { Description = "Degree n of the dense polynomial interaction (≥ 2).", DefaultValueFactory = _ => 3 };
        var neurons = new Option<int>("--neurons", "-n") { Description = "Number of neurons N.", DefaultValueFactory = _ => 1000 };
        var trials = new Option<int>("--trials", "-t") { Description = "Independent trials with fresh random ±1 patterns.", DefaultValueFactory = _ => 5 };
        var threshold = new Option<double>("--overlap")
        {
            Description = "Retrieval criterion: mean overlap after recall from a stored pattern must reach this.",
            DefaultValueFactory = _ => CapacityOptions.Defaults.OverlapThreshold,
        };
        var maxLoad = new Option<double?>("--max-load") { Description = "Largest load α = P/N searched (default depends on the model)." };
        var seed = CommonOptions.Seed(0);
        var json = CommonOptions.Json();

        var command = new Command(
            "capacity",
            "Measure the critical load α = P/N: the largest number of random ±1 patterns per neuron that recall " +
            "(started from a stored pattern) still retrieves with mean overlap ≥ 0.97, averaged over trials.\n" +
            "Examples:\n  hopfield capacity --rule hebbian --neurons 1000 --trials 5\n  hopfield capacity --model dense --degree 3 --neurons 100")
        {
            model, rule, interaction, degree, neurons, trials, threshold, maxLoad, seed, json,
        };
        command.SetAction(parse =>
        {
            bool dense = parse.GetValue(model) == "dense";
            var options = new CapacityOptions
            {
                Model = dense ? CapacityModel.Dense : CapacityModel.Classical,
                Rule = Enum.Parse<LearningRule>(parse.GetValue(rule)!, ignoreCase: true),
                Interaction = parse.GetValue(interaction) switch
                {
                    "polynomial" => DenseInteraction.Polynomial,
                    "exponential" => DenseInteraction.Exponential,
                    _ => DenseInteraction.RectifiedPolynomial,
                },
                Degree = parse.GetValue(degree),
                Neurons = parse.GetValue(neurons),
                Trials = parse.GetValue(trials),
                Seed = parse.GetValue(seed),
                OverlapThreshold = parse.GetValue(threshold),
                MaxLoad = parse.GetValue(maxLoad),
            };
            var result = io.WithProgress($"capacity {options.Neurons} neurons", p => HopfieldCapacity.Measure(options, p));
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    alpha = result.Alpha,
                    alpha_std = result.AlphaStdDev,
                    trial_alphas = result.TrialAlphas,
                    critical_patterns = result.CriticalPatternCounts,
                    neurons = result.Neurons,
                    trials = result.Trials,
                    model = dense ? "dense" : "classical",
                    rule = dense ? null : parse.GetValue(rule),
                    interaction = dense ? parse.GetValue(interaction) : null,
                    degree = dense ? (int?)result.Degree : null,
                    overlap_threshold = result.OverlapThreshold,
                    theoretical = result.Theoretical,
                    theoretical_basis = result.TheoreticalBasis,
                    search_limit_reached = result.SearchLimitReached,
                    seed = options.Seed,
                    seconds = result.Elapsed.TotalSeconds,
                });
                return 0;
            }

            var table = new Table().AddColumns("memory", "N", "trials", "α (measured)", "± spread", "α (theory)", "seconds");
            table.AddRow(
                Markup.Escape(result.Description),
                result.Neurons.ToString(CultureInfo.InvariantCulture),
                result.Trials.ToString(CultureInfo.InvariantCulture),
                result.Alpha.ToString("0.####", CultureInfo.InvariantCulture),
                result.AlphaStdDev.ToString("0.####", CultureInfo.InvariantCulture),
                result.Theoretical.ToString("0.####", CultureInfo.InvariantCulture),
                result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
            io.Console.Write(table);
            io.Line($"theory: {result.TheoreticalBasis}");
            io.Line($"critical pattern counts per trial: {string.Join(", ", result.CriticalPatternCounts)}");
            if (result.SearchLimitReached)
            {
                io.Line("note: the search limit was reached; the true capacity is at least this (raise --max-load).");
            }

            return 0;
        });
        return command;
    }
}
