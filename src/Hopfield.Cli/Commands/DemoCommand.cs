using System.CommandLine;
using Hopfield.Cli.Infrastructure;

namespace Hopfield.Cli.Commands;

/// <summary><c>hopfield demo</c>: the main job on the embedded data.</summary>
internal static class DemoCommand
{
    public static Command Build(CliIO io)
    {
        var json = CommonOptions.Json();
        var command = new Command("demo", "Store images, corrupt them, and show what the memories recall.") { json };
        command.SetAction(parse =>
        {
            io.Line("demo: not wired yet");
            return parse.GetValue(json) ? 0 : 0;
        });
        return command;
    }
}
