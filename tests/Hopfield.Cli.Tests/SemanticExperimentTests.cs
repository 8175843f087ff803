using System.Text.Json;

namespace Hopfield.Cli.Tests;

public class SemanticExperimentTests
{
    [Fact]
    public void JsonReportsExactRatesPerCorruptionAndSimilarity()
    {
        var (code, output, error) = CliRunner.Run("experiment", "semantic", "--stored", "40", "--corruptions", "flip,translate:3", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(40, root.GetProperty("stored").GetInt32());
        Assert.Equal("simclr_encoder.onnx", root.GetProperty("encoder").GetString());
        var rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(3, rows.Length);

        // Uncorrupted queries are stored images: every similarity except dot (norm-dominated in pixel space) finds them,
        // and the fully semantic memory decodes exactly ψ(φ(x)).
        var clean = rows[0];
        foreach (string sim in new[] { "cosine", "l1", "l2" })
        {
            Assert.Equal(1.0, clean.GetProperty("pixel").GetProperty(sim).GetDouble());
            Assert.Equal(1.0, clean.GetProperty("phi").GetProperty(sim).GetDouble());
        }

        Assert.Equal(1.0, clean.GetProperty("fully_semantic_exact").GetDouble());
        Assert.True(clean.GetProperty("mse_vs_decoded").GetDouble() < 1e-9);
        Assert.InRange(clean.GetProperty("mse_vs_original").GetDouble(), 0.001, 0.05); // the autoencoder's reconstruction error

        var flip = rows[1];
        Assert.StartsWith("flip", flip.GetProperty("corruption").GetString(), StringComparison.Ordinal);
        Assert.True(
            flip.GetProperty("phi").GetProperty("cosine").GetDouble() > flip.GetProperty("pixel").GetProperty("cosine").GetDouble(),
            "the SimCLR encoder was trained with flips: φ space must beat pixel space on flipped queries");
        foreach (var row in rows)
        {
            foreach (string space in new[] { "pixel", "phi" })
            {
                foreach (var p in row.GetProperty(space).EnumerateObject())
                {
                    Assert.InRange(p.Value.GetDouble(), 0.0, 1.0);
                }
            }
        }
    }

    [Fact]
    public void TableAndBadInput()
    {
        var (code, output, error) = CliRunner.Run("experiment", "semantic", "--stored", "10", "--corruptions", "none");
        Assert.True(code == 0, error);
        Assert.Contains("φ L1", output, StringComparison.Ordinal);
        Assert.Contains("none (stored image)", output, StringComparison.Ordinal);

        (code, _, error) = CliRunner.Run("experiment", "semantic", "--stored", "10", "--corruptions", "sparkle");
        Assert.Equal(1, code);
        Assert.Contains("sparkle", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("experiment", "semantic", "--stored", "10", "--encoder", "no-such-model.onnx");
        Assert.Equal(1, code);
        Assert.Contains("no-such-model.onnx", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("experiment", "semantic", "--stored", "100000");
        Assert.Equal(1, code);
        Assert.Contains("--stored", error, StringComparison.Ordinal);
    }
}
