using System.CommandLine;

namespace Hopfield.Cli.Infrastructure;

/// <summary>Options shared by the commands, so the same idea has the same name, alias and wording everywhere.</summary>
/// <remarks>
/// Conventions: <c>--json</c> (one JSON object on stdout), <c>--seed</c> (repeatable randomness),
/// <c>-o, --out</c> (what the command writes; <c>--output</c> is accepted too), <c>--dataset</c> (a folder with the full
/// IDX files; <c>--data</c> is accepted too), <c>-i, --images</c> (one IDX image file), <c>-v, --verbose</c> (stack traces).
/// </remarks>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces and extra diagnostics on failure.",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON object on standard output instead of tables (errors still go to standard error).",
    };

    public static Option<int> Seed(int defaultValue = 1) => new("--seed")
    {
        Description = "Random seed; every run with the same seed gives the same result.",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>Every --similarity accepts these: l2 and euclidean (negative Euclidean), l1 and manhattan (negative Manhattan).</summary>
    public static readonly string[] SimilarityNames = ["dot", "cosine", "l2", "l1", "euclidean", "manhattan"];

    /// <summary>dot, cosine, l2 or l1 for any of <see cref="SimilarityNames"/>.</summary>
    public static string CanonicalSimilarity(string name) => name switch
    {
        "euclidean" => "l2",
        "manhattan" => "l1",
        _ => name,
    };

    /// <summary><c>-o, --out</c> (alias <c>--output</c>): the file or folder a command writes.</summary>
    public static Option<string?> Out(string description, bool required = false, string? defaultValue = null)
    {
        var option = new Option<string?>("--out", "-o", "--output") { Description = description, Required = required };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    /// <summary><c>--dataset</c> (alias <c>--data</c>): a folder with the full IDX files; the embedded subset when omitted.</summary>
    public static Option<string?> Dataset(string what = "Fashion-MNIST", string fallback = "the embedded subset") => new("--dataset", "--data")
    {
        Description = $"Folder with the full {what} IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-…); default: {fallback}.",
    };
}
