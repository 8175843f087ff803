using System.CommandLine;
using System.Text.Json;
using Hopfield.Cli.Commands;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.Cli.Tests;

/// <summary>The tool's contract, checked over the whole command tree: help, --json, exit codes, one-line errors, docs/cli.md.</summary>
public sealed class CliConventionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hopfield-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RootCommand Root() => CliApp.BuildRoot(TextWriter.Null, TextWriter.Null);

    private static List<(string Path, Command Command)> Commands() => DocsCommand.Walk(Root()).Skip(1).ToList();

    public static TheoryData<string> LeafPaths()
    {
        var data = new TheoryData<string>();
        foreach (var (path, command) in Commands().Where(c => !c.Command.Subcommands.Any(s => !s.Hidden)))
        {
            data.Add(path);
        }

        return data;
    }

    private static string[] Args(string path, params string[] more) => [.. path.Split(' ').Skip(1), .. more];

    /// <summary>A file above the test binaries, e.g. data/fashion-test-images.idx.gz.</summary>
    internal static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void EveryCommandHasADescriptionWithAnExampleAndEveryLeafHasJson()
    {
        var commands = Commands();
        Assert.True(commands.Count >= 10, $"only {commands.Count} commands found");
        foreach (var (path, command) in commands)
        {
            var (prose, examples) = DocsCommand.Split(command.Description);
            Assert.False(string.IsNullOrWhiteSpace(prose), $"'{path}' has no description.");
            Assert.True(examples.Count > 0, $"'{path}' has no 'Example:' line in its description.");
            Assert.All(examples, e => Assert.StartsWith(path, e, StringComparison.Ordinal));
            foreach (var option in DocsCommand.VisibleOptions(command))
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"'{path} {option.Name}' has no description.");
            }

            if (!command.Subcommands.Any(c => !c.Hidden))
            {
                Assert.True(command.Options.Any(o => o.Name == "--json"), $"'{path}' has no --json option.");
                Assert.NotNull(command.Action);
            }
        }
    }

    [Fact]
    public void SharedOptionsHaveTheSameNamesEverywhere()
    {
        foreach (var (path, command) in Commands())
        {
            foreach (var option in command.Options)
            {
                if (option.Name == "--out")
                {
                    Assert.True(option.Aliases.Contains("-o") && option.Aliases.Contains("--output"), $"'{path} --out' lacks -o / --output.");
                }

                if (option.Name == "--dataset")
                {
                    Assert.True(option.Aliases.Contains("--data"), $"'{path} --dataset' lacks --data.");
                }

                Assert.DoesNotContain(option.Aliases.Append(option.Name), a => a is "--output-file" or "--outdir" or "--threads-count");
            }
        }
    }

    [Fact]
    public void EverySimilarityOptionAcceptsTheSameNames()
    {
        foreach (var (path, command) in Commands())
        {
            foreach (var option in command.Options.Where(o => o.Name.EndsWith("similarity", StringComparison.Ordinal)))
            {
                foreach (var name in CommonOptions.SimilarityNames)
                {
                    var parse = Root().Parse([.. Args(path), option.Name, name]);
                    Assert.DoesNotContain(parse.Errors, e => e.Message.Contains(name, StringComparison.Ordinal));
                    var bad = Root().Parse([.. Args(path), option.Name, "hamming"]);
                    Assert.Contains(bad.Errors, e => e.Message.Contains("hamming", StringComparison.Ordinal));
                }
            }
        }
    }

    [Fact]
    public void RootHelpTeachesGroupsAndExamples()
    {
        var (code, output, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        foreach (var verb in Root().Subcommands.Where(c => !c.Hidden))
        {
            Assert.Contains($"  {verb.Name} ", output, StringComparison.Ordinal);
        }

        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output.Split('\n'), l => l.StartsWith("  docs ", StringComparison.Ordinal)); // hidden
    }

    [Theory]
    [MemberData(nameof(LeafPaths))]
    public void HelpWorksWithoutTheRequiredArguments(string path)
    {
        // `hopfield repair --help` must teach, not complain that IMAGE and --out are missing.
        var (code, output, error) = CliRunner.Run(Args(path, ["--help"]));
        Assert.True(code == 0, $"'{path} --help' exited {code}: {error}");
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [MemberData(nameof(LeafPaths))]
    public void UnknownOptionIsAUsageErrorNamingIt(string path)
    {
        string[] required = path == "hopfield repair" ? ["photo.png", "-o", "strip.png"] : [];
        var (code, output, error) = CliRunner.Run(Args(path, [.. required, "--no-such-option"]));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--no-such-option", error, StringComparison.Ordinal);
        Assert.Contains($"Run '{path} --help'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("capacity", "--neurons", "many")]
    [InlineData("bench retrieval", "--similarity", "hamming")]
    [InlineData("experiment denoise", "--memory", "everything")]
    public void MalformedValueIsAUsageError(string path, string option, string value)
    {
        var (code, _, error) = CliRunner.Run(Args(path, option, value));
        Assert.Equal(2, code);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bench")]
    [InlineData("experiment")]
    public void AGroupWithoutACommandPrintsItsHelpAndIsAUsageError(string path)
    {
        var (code, output, error) = CliRunner.Run(path.Length == 0 ? [] : path.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    public static TheoryData<string[]> BadPaths() => new()
    {
        { ["repair", "{missing}/photo.png", "--out", "{dir}/strip.png"] },
        { ["embed", "--model", "{onnx}", "--images", "{missing}/images.idx.gz", "--out", "{dir}/x.f32"] },
        { ["embed", "--model", "{missing}/encoder.onnx", "--images", "{images}", "--out", "{dir}/x.f32"] },
        { ["export-onnx", "--images", "{missing}/images.idx", "--out", "{dir}/m.onnx"] },
        { ["export-onnx", "--pipeline", "{missing}/model.hopfield", "--out", "{dir}/m.onnx"] },
        { ["demo", "--train", "50", "--test", "10", "--corruptions", "mask:0.5", "--out", "{file}/demo.png"] },
        { ["experiment", "denoise", "--dataset", "{missing}"] },
        { ["experiment", "semantic", "--images", "{missing}/images.idx.gz"] },
        { ["experiment", "capacity-curves", "--data", "{missing}"] },
        { ["experiment", "capacity-curves", "--mnist", "{missing}"] },
        { ["experiment", "hash-association", "--dataset", "{missing}"] },
        { ["experiment", "segment", "--dataset", "{missing}"] },
        { ["experiment", "pooling", "--dataset", "{missing}"] },
        { ["experiment", "crypto8", "--out", "{file}/charts"] },
    };

    [Theory]
    [MemberData(nameof(BadPaths))]
    public void BadFileIsBadInputWithOneLineNamingItAndTheStackTraceOnlyWithVerbose(string[] template)
    {
        string missing = Path.Combine(_dir, "no-such-" + Guid.NewGuid().ToString("N")[..8]);
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "not a folder");
        string[] args = [.. template.Select(a => a
            .Replace("{missing}", missing, StringComparison.Ordinal)
            .Replace("{file}", file, StringComparison.Ordinal)
            .Replace("{dir}", _dir, StringComparison.Ordinal)
            .Replace("{onnx}", OnnxModelFiles.Path("classifier.onnx"), StringComparison.Ordinal)
            .Replace("{images}", RepoFile(Path.Combine("data", "fashion-test-images.idx.gz")), StringComparison.Ordinal))];
        string named = template.Any(a => a.Contains("{missing}", StringComparison.Ordinal)) ? Path.GetFileName(missing) : file;

        var (code, output, error) = CliRunner.Run(args);
        Assert.True(code == 1, $"exit {code}: {error}");
        Assert.Equal(string.Empty, output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("hopfield: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        var verbose = CliRunner.Run([.. args, "--verbose"]);
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Error, StringComparison.Ordinal);
        Assert.StartsWith(lines[0], verbose.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfRangeValuesGiveACleanOneLineMessage()
    {
        var (code, _, error) = CliRunner.Run("bench", "retrieval", "--dim", "0", "--patterns", "3", "--queries", "2");
        Assert.Equal(1, code);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public static TheoryData<string[]> FastJsonRuns() => new()
    {
        { ["capacity", "--neurons", "100", "--trials", "1"] },
        { ["capacity", "--model", "dense", "--neurons", "40", "--trials", "1"] },
        { ["bench", "retrieval", "--patterns", "20", "--dim", "8", "--queries", "4", "--repeats", "1"] },
        { ["bench", "recall", "--neurons", "256", "--patterns", "2", "--repeats", "1"] },
        { ["repair", "{image}", "--steps", "2", "-o", "{dir}/strip.png"] },
        { ["demo", "--train", "60", "--test", "20", "--corruptions", "mask:0.5", "--examples", "1", "--output", "{dir}/demo.png"] },
        { ["embed", "--model", "{onnx}", "--images", "{images}", "--count", "4", "-o", "{dir}/x.f32"] },
        { ["export-onnx", "--count", "4", "--separation", "topk", "--top-k", "2", "-o", "{dir}/m.onnx"] },
        { ["experiment", "denoise", "--train", "60", "--test", "20", "--corruptions", "mask:0.5"] },
        { ["experiment", "crypto8", "--functions", "xor", "--fractions", "0.5", "--repeats", "1", "--epochs", "2", "--hidden", "2"] },
        { ["experiment", "segment", "--stored", "50", "--queries", "10", "--corruptions", "gaussian:0.3"] },
        { ["experiment", "capacity-curves", "--datasets", "mnist", "--counts", "10", "--queries", "5"] },
        { ["experiment", "hash-association", "--keys", "simhash", "--dims", "8", "--counts", "50", "--queries", "10", "--flips", "0.1", "--key-noise", "0.5", "--image-noise", "0.05"] },
        { ["experiment", "semantic", "--stored", "10", "--corruptions", "none"] },
    };

    [Theory]
    [MemberData(nameof(FastJsonRuns))]
    public void JsonIsExactlyOneObject(string[] template)
    {
        string image = Path.Combine(_dir, "square.png");
        var square = new Image(16, 16, 1);
        for (int i = 0; i < square.Data.Length; i++)
        {
            square.Data[i] = (i % 16) is > 3 and < 12 && (i / 16) is > 3 and < 12 ? 0.1f : 0.9f;
        }

        Png.Write(square, image);
        string[] args = [.. template.Select(a => a
            .Replace("{dir}", _dir, StringComparison.Ordinal)
            .Replace("{image}", image, StringComparison.Ordinal)
            .Replace("{onnx}", OnnxModelFiles.Path("classifier.onnx"), StringComparison.Ordinal)
            .Replace("{images}", RepoFile(Path.Combine("data", "fashion-test-images.idx.gz")), StringComparison.Ordinal)), "--json"];

        var (code, output, error) = CliRunner.Run(args);
        Assert.True(code == 0, error);
        Assert.StartsWith("{", output, StringComparison.Ordinal);
        Assert.EndsWith("}", output.TrimEnd(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);

        // docs/cli.md lists the keys of every command's --json object.
        string path = "hopfield " + string.Join(' ', template.TakeWhile(a => !a.StartsWith('-') && !a.StartsWith('{')));
        string section = DocsSection(path);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            Assert.True(section.Contains($"`{property.Name}`", StringComparison.Ordinal), $"docs/cli.md section '{path}' does not list the --json key '{property.Name}'.");
        }
    }

    private static string DocsSection(string path)
    {
        string docs = File.ReadAllText(RepoFile(Path.Combine("docs", "cli.md"))).ReplaceLineEndings("\n");
        string heading = $"\n### {path}\n";
        int start = docs.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/cli.md has no section '### {path}'; regenerate it: dotnet run --project src/Hopfield.Cli -c Release -- docs -o docs/cli.md");
        int end = docs.IndexOf("\n### ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? docs[start..] : docs[start..end];
    }

    [Fact]
    public void DocsReferenceMentionsEveryCommandAndOption()
    {
        const string Regenerate = "regenerate it: dotnet run --project src/Hopfield.Cli -c Release -- docs -o docs/cli.md";
        foreach (var (path, command) in Commands())
        {
            string section = DocsSection(path);
            foreach (var option in DocsCommand.VisibleOptions(command))
            {
                foreach (var name in option.Aliases.Append(option.Name))
                {
                    Assert.True(section.Contains($"`{name}`", StringComparison.Ordinal), $"docs/cli.md section '{path}' does not mention {name}; {Regenerate}");
                }
            }
        }
    }

    [Fact]
    public void DocsCommandWritesTheReference()
    {
        string file = Path.Combine(_dir, "cli.md");
        var (code, _, error) = CliRunner.Run("docs", "-o", file);
        Assert.True(code == 0, error);
        string text = File.ReadAllText(file);
        Assert.Contains("### hopfield bench retrieval", text, StringComparison.Ordinal);
        Assert.Contains("## Exit codes", text, StringComparison.Ordinal);
    }
}
