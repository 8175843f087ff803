using System.Text.Json;

namespace Hopfield.Cli.Tests;

/// <summary>The native-resource soak (issue 8) on a few hundred runs: the shape of its report, not its figures.</summary>
public class BenchSoakCommandTests
{
    [Fact]
    public void SoakJsonReportsRssAtStartWarmupEachSampleAndCycles()
    {
        var (code, output, error) = CliRunner.Run("bench", "soak", "--runs", "300", "--sample-every", "100", "--warmup", "20", "--cycles", "12", "--cycle-sample-every", "5", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.EndsWith("classifier.onnx", root.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.Equal("[1, 1, 28, 28]", root.GetProperty("input_shape").GetString());
        Assert.StartsWith("1.22", root.GetProperty("onnx_runtime_version").GetString(), StringComparison.Ordinal);
        Assert.Equal(300, root.GetProperty("runs").GetInt32());
        Assert.True(root.GetProperty("rss_start_kb").GetInt64() > 0);
        Assert.True(root.GetProperty("rss_after_warmup_kb").GetInt64() > 0);
        var samples = root.GetProperty("samples").EnumerateArray().ToArray();
        Assert.Equal([100, 200, 300], samples.Select(s => s.GetProperty("count").GetInt32()));
        Assert.All(samples, s => Assert.True(s.GetProperty("rss_kb").GetInt64() > 0));
        Assert.Equal(samples[^1].GetProperty("rss_kb").GetInt64() - root.GetProperty("rss_after_warmup_kb").GetInt64(), root.GetProperty("run_growth_kb").GetInt64());
        Assert.Equal(12, root.GetProperty("cycles").GetInt32());
        Assert.Equal([5, 10, 12], root.GetProperty("cycle_samples").EnumerateArray().Select(s => s.GetProperty("count").GetInt32()));
        Assert.Equal(
            root.GetProperty("rss_end_cycles_kb").GetInt64() - root.GetProperty("rss_before_cycles_kb").GetInt64(),
            root.GetProperty("cycle_growth_kb").GetInt64());
    }

    [Fact]
    public void SoakTableNamesThePhases()
    {
        var (code, output, error) = CliRunner.Run("bench", "soak", "--runs", "50", "--sample-every", "25", "--warmup", "5", "--cycles", "3", "--cycle-sample-every", "3");
        Assert.True(code == 0, error);
        Assert.Contains("create/dispose", output, StringComparison.Ordinal);
        Assert.Contains("RSS growth over 50 runs", output, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingModelAndBadCountsAreBadInput()
    {
        var (code, _, error) = CliRunner.Run("bench", "soak", "--model", "no-such-model.onnx", "--runs", "10");
        Assert.Equal(1, code);
        Assert.Contains("no-such-model.onnx", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("bench", "soak", "--runs", "10", "--sample-every", "0");
        Assert.Equal(1, code);
        Assert.Contains("--sample-every", error, StringComparison.Ordinal);
    }
}
