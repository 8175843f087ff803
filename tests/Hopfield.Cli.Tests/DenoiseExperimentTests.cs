using System.Text.Json;

namespace Hopfield.Cli.Tests;

public sealed class DenoiseExperimentTests
{
    [Fact]
    public void JsonHasCleanRowAndOneRowPerCorruption()
    {
        var (code, output, error) = CliRunner.Run("experiment", "denoise", "--train", "300", "--test", "100",
            "--corruptions", "gaussian:0.4,salt-pepper:0.2", "--memory", "prototypes", "--prototypes", "5", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["clean", "gaussian", "salt-pepper"], rows.Select(r => r.GetProperty("corruption").GetString()));
        Assert.Equal(0.2, rows[2].GetProperty("severity").GetDouble(), 5);
        foreach (var r in rows)
        {
            Assert.InRange(r.GetProperty("accuracy_without").GetDouble(), 0, 1);
            Assert.InRange(r.GetProperty("accuracy_with").GetDouble(), 0, 1);
        }

        Assert.InRange(rows[0].GetProperty("accuracy_without").GetDouble(), 0.5, 1);
        Assert.Contains("prototypes", doc.RootElement.GetProperty("settings").GetString(), StringComparison.Ordinal);
        Assert.Equal("logistic", doc.RootElement.GetProperty("classifier").GetString());
    }

    [Fact]
    public void HopfieldClassifierCanFollowTheStage()
    {
        var (code, output, error) = CliRunner.Run("experiment", "denoise", "--train", "300", "--test", "100", "--corruptions", "gaussian:0.3", "--classifier", "hopfield", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("hopfield", doc.RootElement.GetProperty("classifier").GetString());
        var clean = doc.RootElement.GetProperty("rows")[0];
        Assert.InRange(clean.GetProperty("accuracy_without").GetDouble(), 0.5, 1); // a memory of 300 images is far above chance
    }

    [Fact]
    public void SameSeedSameNumbers()
    {
        string[] args = ["experiment", "denoise", "--train", "200", "--test", "50", "--corruptions", "mask:0.5", "--json", "--seed", "4"];
        var a = CliRunner.Run(args);
        var b = CliRunner.Run(args);
        Assert.True(a.ExitCode == 0, a.Error);
        using var da = JsonDocument.Parse(a.Output);
        using var db = JsonDocument.Parse(b.Output);
        Assert.Equal(da.RootElement.GetProperty("rows").GetRawText(), db.RootElement.GetProperty("rows").GetRawText());
    }

    [Fact]
    public void PhiSpaceRunsAndHelpsOnTranslation()
    {
        // Keys φ(training images), values their pixels, β tuned on held-out training images. On 300/200 images a 3-pixel
        // shift costs the plain classifier about 30 points; the φ retrieval won 7 to 24 of them back for seeds 1 to 4.
        var (code, output, error) = CliRunner.Run("experiment", "denoise", "--train", "300", "--test", "200", "--corruptions", "translate:3", "--space", "phi", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("phi", root.GetProperty("space").GetString());
        Assert.Contains(root.GetProperty("phi_beta").GetSingle(), new[] { 4f, 8f, 16f, 32f, 64f, 128f });
        var rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["clean", "translate"], rows.Select(r => r.GetProperty("corruption").GetString()));
        foreach (var r in rows)
        {
            Assert.InRange(r.GetProperty("accuracy_with").GetDouble(), 0.3, 1);
            Assert.InRange(r.GetProperty("accuracy_vote").GetDouble(), 0.3, 1);
        }

        Assert.InRange(rows[0].GetProperty("accuracy_with").GetDouble(), rows[0].GetProperty("accuracy_without").GetDouble() - 0.1, 1);
        Assert.True(rows[1].GetProperty("gain").GetDouble() >= 0.03, rows[1].GetRawText());
        Assert.True(rows[1].GetProperty("accuracy_vote").GetDouble() >= rows[1].GetProperty("accuracy_without").GetDouble() + 0.03, rows[1].GetRawText());
    }

    [Fact]
    public void BadSpaceIsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("experiment", "denoise", "--space", "latent");
        Assert.Equal(2, code);
        Assert.Contains("latent", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadSimilarityIsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("experiment", "denoise", "--similarity", "hamming");
        Assert.Equal(2, code);
        Assert.Contains("hamming", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDatasetFolderIsBadInput()
    {
        var (code, _, error) = CliRunner.Run("experiment", "denoise", "--dataset", Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(1, code);
        Assert.Contains("no-such-", error, StringComparison.Ordinal);
    }
}
