using System.CommandLine;
using Hopfield.Cli.Commands.Experiments;
using Hopfield.Cli.Infrastructure;

namespace Hopfield.Cli.Commands;

/// <summary><c>hopfield experiment NAME</c>: the project's research questions, each a seeded, repeatable run.</summary>
internal static class ExperimentCommand
{
    public static Command Build(CliIO io)
    {
        var command = new Command(
            "experiment",
            "Run one of the project's experiments on the embedded data (or a full data set by path). " +
            "Every experiment is seeded and repeatable and prints a table, or one JSON object with --json.\n" +
            "Examples:\n  hopfield experiment denoise --corruptions gaussian:0.5,mask:0.5\n  hopfield experiment capacity-curves --out docs/images --json");
        foreach (var experiment in Experiments(io))
        {
            command.Subcommands.Add(experiment);
        }

        return command;
    }

    // One line per experiment; each lives in Commands/Experiments/<Name>Experiment.cs.
    private static IEnumerable<Command> Experiments(CliIO io)
    {
        yield return DenoiseExperiment.Build(io);
        yield return SemanticExperiment.Build(io);
        yield return CapacityCurvesExperiment.Build(io);
        yield return Crypto8Experiment.Build(io);
        yield return HashAssociationExperiment.Build(io);
        yield return SegmentExperiment.Build(io);
        yield return PoolingExperiment.Build(io);
    }
}
