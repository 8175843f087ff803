using System.Text.Json;

namespace Hopfield.Cli.Tests;

public class CapacityCommandTests
{
    [Fact]
    public void JsonReportsAlphaNearTheHebbianValue()
    {
        var (code, output, error) = CliRunner.Run("capacity", "--rule", "hebbian", "--neurons", "400", "--trials", "2", "--seed", "3", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        double alpha = root.GetProperty("alpha").GetDouble();
        Assert.InRange(alpha, 0.09, 0.18);
        Assert.Equal(400, root.GetProperty("neurons").GetInt32());
        Assert.Equal(2, root.GetProperty("trials").GetInt32());
        Assert.Equal("hebbian", root.GetProperty("rule").GetString());
        Assert.Equal(0.138, root.GetProperty("theoretical").GetDouble(), 3);
    }

    [Fact]
    public void ZeroNeuronsIsBadInputWithOneLine()
    {
        var (code, _, error) = CliRunner.Run("capacity", "--neurons", "0");
        Assert.Equal(1, code);
        Assert.Contains("neurons", error, StringComparison.OrdinalIgnoreCase);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("hopfield:", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownRuleIsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("capacity", "--rule", "magic");
        Assert.Equal(2, code);
        Assert.Contains("magic", error, StringComparison.Ordinal);
    }
}
