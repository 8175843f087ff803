using System.Text.Json;

namespace Hopfield.Cli.Tests;

public sealed class DemoCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hopfield-demo-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void SmallDemoWritesJsonAndPng()
    {
        string png = Path.Combine(_folder, "sub", "demo.png");
        var (code, output, error) = CliRunner.Run("demo", "--train", "300", "--test", "100", "--corruptions", "gaussian:0.5,occlusion:0.5", "--out", png, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(300, root.GetProperty("train").GetInt32());
        Assert.Equal(100, root.GetProperty("test").GetInt32());
        var clean = root.GetProperty("clean");
        Assert.Equal("clean", clean.GetProperty("corruption").GetString());
        Assert.InRange(clean.GetProperty("accuracy_without").GetDouble(), 0.5, 1.0); // far above chance (0.1)
        var rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["gaussian", "occlusion"], rows.Select(r => r.GetProperty("corruption").GetString()));
        Assert.Equal(0.5, rows[0].GetProperty("severity").GetDouble(), 5);
        foreach (var r in rows)
        {
            double without = r.GetProperty("accuracy_without").GetDouble(), with = r.GetProperty("accuracy_with").GetDouble();
            Assert.InRange(without, 0, 1);
            Assert.InRange(with, 0, 1);
            Assert.Equal(with - without, r.GetProperty("gain").GetDouble(), 9);
        }

        Assert.Equal(png, root.GetProperty("png").GetString());
        Assert.True(File.Exists(png));
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(0x89, bytes[0]);
        Assert.Equal((byte)'P', bytes[1]);
    }

    [Fact]
    public void TableOutputNamesEveryCorruption()
    {
        var (code, output, error) = CliRunner.Run("demo", "--train", "200", "--test", "50", "--corruptions", "mask:0.4", "--examples", "0", "--out", Path.Combine(_folder, "x.png"));
        Assert.True(code == 0, error);
        Assert.Contains("clean", output, StringComparison.Ordinal);
        Assert.Contains("mask", output, StringComparison.Ordinal);
        Assert.Contains("Mean gain", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "x.png"))); // no examples, no picture
    }

    [Fact]
    public void UnknownCorruptionIsBadInputNamingIt()
    {
        var (code, _, error) = CliRunner.Run("demo", "--train", "100", "--test", "20", "--corruptions", "melt:0.5");
        Assert.Equal(1, code);
        Assert.Contains("melt", error, StringComparison.Ordinal);
    }
}
