using System.Text.Json;

namespace Hopfield.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public void RetrievalJsonHasRatesAndParameters()
    {
        var (code, output, error) = CliRunner.Run("bench", "retrieval", "--patterns", "33", "--dim", "7", "--queries", "5", "--similarity", "l2", "--repeats", "3", "--sparse", "1e-6", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("queries_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("gflops").GetDouble() > 0);
        Assert.True(root.GetProperty("median_seconds").GetDouble() > 0);
        Assert.Equal(33, root.GetProperty("patterns").GetInt32());
        Assert.Equal(7, root.GetProperty("dim").GetInt32());
        Assert.Equal(5, root.GetProperty("queries").GetInt32());
        Assert.Equal("l2", root.GetProperty("similarity").GetString());
        Assert.Equal("softmax", root.GetProperty("separation").GetString());
        Assert.Equal(3, root.GetProperty("repeats").GetInt32());
        Assert.Equal(1e-6, root.GetProperty("sparse").GetDouble(), 9);
        double expectedGflops = 4.0 * 33 * 7 * 5 / root.GetProperty("median_seconds").GetDouble() / 1e9;
        Assert.Equal(expectedGflops, root.GetProperty("gflops").GetDouble(), 6);
    }

    [Fact]
    public void ScreenedRetrievalReportsItsWorkAndMatchesDense()
    {
        // β = 4 at D = 64: scores spread with σ = 8 (32 logits) against ln(P/τ) ≈ 23, so most of the 9000 keys are screened out.
        var (code, output, error) = CliRunner.Run("bench", "retrieval", "--patterns", "9000", "--dim", "64", "--queries", "40", "--beta", "4", "--repeats", "2", "--sparse", "1e-6", "--screen", "--verify", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("screen").GetBoolean());
        Assert.InRange(root.GetProperty("max_abs_difference").GetDouble(), 0, 1e-5);
        Assert.Equal(0, root.GetProperty("screen_fallback_fraction").GetDouble());
        Assert.InRange(root.GetProperty("exact_scores_per_query").GetDouble(), 1, 300);
    }

    [Fact]
    public void ScreeningWithoutToleranceIsBadInput()
    {
        var (code, _, error) = CliRunner.Run("bench", "retrieval", "--dim", "3", "--patterns", "3", "--queries", "2", "--screen");
        Assert.Equal(1, code);
        Assert.Contains("Screening needs a SparseTolerance", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RecallJsonHasSweepTimeAndPatternBytes()
    {
        var (code, output, error) = CliRunner.Run("bench", "recall", "--neurons", "1000", "--patterns", "2", "--repeats", "2", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("seconds_per_sweep").GetDouble() > 0);
        Assert.Equal(2 * 16 * 8, root.GetProperty("pattern_bytes").GetInt64());
        Assert.Equal(1000, root.GetProperty("neurons").GetInt32());
    }

    [Fact]
    public void ZeroDimensionIsBadInput()
    {
        var (code, _, error) = CliRunner.Run("bench", "retrieval", "--dim", "0", "--patterns", "3", "--queries", "2");
        Assert.Equal(1, code);
        Assert.Contains("Dimension", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeSparseToleranceIsBadInput()
    {
        var (code, _, error) = CliRunner.Run("bench", "retrieval", "--dim", "3", "--patterns", "3", "--queries", "2", "--sparse", "-1");
        Assert.Equal(1, code);
        Assert.Contains("SparseTolerance", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSimilarityIsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("bench", "retrieval", "--similarity", "hamming");
        Assert.Equal(2, code);
        Assert.Contains("hamming", error, StringComparison.Ordinal);
    }
}
