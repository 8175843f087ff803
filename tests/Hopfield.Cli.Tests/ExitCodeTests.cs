namespace Hopfield.Cli.Tests;

public class ExitCodeTests
{
    [Fact]
    public void UnknownVerbIsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("no-such-verb");
        Assert.Equal(2, code);
        Assert.Contains("no-such-verb", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpListsTheVerbsAndSucceeds()
    {
        var (code, output, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("demo", output, StringComparison.Ordinal);
    }
}
