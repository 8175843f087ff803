using System.Text.RegularExpressions;
using Hopfield.Cli.Infrastructure;

namespace Hopfield.Cli.Tests;

/// <summary>
/// Keeps README.md honest: its C# blocks are the compiled quick-start sample, its set-up commands are what CI runs,
/// and every <c>hopfield</c> command it shows names a verb that exists. (scripts/check-readme.sh runs the commands.)
/// </summary>
public sealed partial class ReadmeTests
{
    private const string SkipMarker = "<!-- readme-check: ";

    [Fact]
    public void CSharpBlocksAreTheQuickStartSampleVerbatim()
    {
        var readme = Blocks(Read("README.md"), "csharp");
        var sample = SampleBlocks(Read("samples/QuickStart/Program.cs"));

        Assert.True(sample.Count >= 4, $"samples/QuickStart/Program.cs has {sample.Count} README blocks; expected at least 4.");
        Assert.Equal(sample.Count, readme.Count);
        for (int i = 0; i < sample.Count; i++)
        {
            Assert.True(sample[i] == readme[i], $"README C# block {i + 1} differs from block {i + 1} of samples/QuickStart/Program.cs:\n--- README\n{readme[i]}\n--- sample\n{sample[i]}");
        }
    }

    [Fact]
    public void SetUpCommandsAreTheOnesCiRuns()
    {
        string ci = Read(".ci/run");
        var setUp = Blocks(Read("README.md"), "bash", includeSkipped: true)[0]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('#')[0].Trim())
            .Where(line => line.Length > 0)
            .ToList();

        Assert.Equal(2, setUp.Count);
        Assert.StartsWith("dotnet run --project src/Hopfield.Cli", setUp[0], StringComparison.Ordinal);
        Assert.StartsWith("dotnet test ", setUp[1], StringComparison.Ordinal);
        foreach (string command in setUp)
        {
            Assert.Contains(command, ci, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryHopfieldCommandNamesAnExistingVerb()
    {
        var commands = Blocks(Read("README.md"), "bash")
            .SelectMany(block => block.Split('\n'))
            .Select(line => line.Split('#')[0].Trim())
            .Where(line => line.StartsWith("hopfield ", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(commands);
        foreach (string command in commands)
        {
            // Every verb (and sub-verb) before the first option must be known: --help on it exits 0.
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).TakeWhile(w => !w.StartsWith('-')).Take(2).ToList();
            using var output = new StringWriter();
            using var error = new StringWriter();
            var verbs = words.Where(w => !w.Contains('/', StringComparison.Ordinal) && !w.Contains('.', StringComparison.Ordinal)).ToList();
            int code = CliApp.Run([.. verbs, "--help"], output, error);
            Assert.True(code == 0, $"README command '{command}': 'hopfield {string.Join(' ', verbs)} --help' exited {code}: {error}");
        }
    }

    [Fact]
    public void EveryRelativeLinkAndImageExists()
    {
        string readme = Read("README.md");
        var targets = Link().Matches(readme).Select(m => m.Groups["target"].Value)
            .Concat(ImageSource().Matches(readme).Select(m => m.Groups["target"].Value))
            .Where(t => !t.Contains("://", StringComparison.Ordinal) && !t.StartsWith('#'))
            .Select(t => t.Split('#')[0])
            .Distinct()
            .ToList();

        Assert.True(targets.Count >= 10, $"only {targets.Count} relative links found in README.md");
        foreach (string target in targets)
        {
            string path = Path.Combine(RepositoryRoot(), target);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"README.md links to '{target}', which does not exist.");
        }
    }

    private static List<string> Blocks(string markdown, string language, bool includeSkipped = false)
    {
        var blocks = new List<string>();
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i] != "```" + language)
            {
                continue;
            }

            bool skipped = i > 0 && lines[i - 1].StartsWith(SkipMarker, StringComparison.Ordinal);
            int end = Array.IndexOf(lines, "```", i + 1);
            Assert.True(end > i, $"README.md: the ```{language} block at line {i + 1} is not closed.");
            if (includeSkipped || !skipped)
            {
                blocks.Add(string.Join('\n', lines[(i + 1)..end]));
            }

            i = end;
        }

        return blocks;
    }

    private static List<string> SampleBlocks(string source)
    {
        var blocks = new List<string>();
        foreach (Match m in SampleBlock().Matches(source.Replace("\r\n", "\n", StringComparison.Ordinal)))
        {
            var lines = m.Groups["body"].Value.TrimEnd('\n').Split('\n');
            int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
            blocks.Add(string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())));
        }

        return blocks;
    }

    private static string Read(string relativePath) => File.ReadAllText(Path.Combine(RepositoryRoot(), relativePath));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hopfield.ML.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Hopfield.ML.sln not found above the test assembly.");
    }

    [GeneratedRegex(@"^[ \t]*// README: \w+\n(?<body>.*?)^[ \t]*// END$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SampleBlock();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"<img src=""(?<target>[^""]+)""")]
    private static partial Regex ImageSource();
}
