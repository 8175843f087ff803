using System.CommandLine;
using Hopfield.Cli.Infrastructure;

namespace Hopfield.Cli.Commands;

/// <summary>Every top-level verb of the tool.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All(CliIO io)
    {
        yield return DemoCommand.Build(io);
        yield return CapacityCommand.Build(io);
        yield return RepairCommand.Build(io);
        yield return ExperimentCommand.Build(io);
        yield return BenchCommand.Build(io);
        yield return EmbedCommand.Build(io);
        yield return ExportOnnxCommand.Build(io);
        yield return FuzzCommand.Build(io);
    }
}
