using System.CommandLine;

namespace Hopfield.Cli.Infrastructure;

/// <summary>Options shared by every command.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces and extra diagnostics on failure.",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON object on standard output instead of tables.",
    };

    public static Option<int> Seed(int defaultValue = 1) => new("--seed")
    {
        Description = "Random seed; every run with the same seed gives the same result.",
        DefaultValueFactory = _ => defaultValue,
    };
}
