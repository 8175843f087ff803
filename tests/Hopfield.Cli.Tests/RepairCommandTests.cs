using System.Text.Json;
using Hopfield.ML.Imaging;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.Cli.Tests;

public sealed class RepairCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hopfield-repair-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Shape(string name, int width, int height, Func<int, int, bool> ink)
    {
        var image = new Image(width, height, 1);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image.Data[(y * width) + x] = ink(x, y) ? 0.1f : 0.9f;
            }
        }

        string path = Path.Combine(_dir, name);
        Png.Write(image, path);
        return path;
    }

    [Fact]
    public void RepairsACorruptedImageAndWritesTheStrip()
    {
        string ring = Shape("ring.png", 48, 40, (x, y) => Math.Abs(Math.Sqrt(((x - 24) * (x - 24)) + ((y - 20) * (y - 20))) - 12) < 4);
        string bars = Shape("bars.png", 48, 40, (x, _) => (x / 6) % 2 == 0);
        string diagonal = Shape("diag.png", 48, 40, (x, y) => Math.Abs(x - y) < 5);
        string output = Path.Combine(_dir, "strip.png");

        var (code, stdout, error) = CliRunner.Run("repair", ring, "--also", bars, diagonal, "--noise", "0.25", "--steps", "6", "--out", output, "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(stdout);
        var wrong = doc.RootElement.GetProperty("wrong_fraction_by_step").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.InRange(wrong[0], 0.20, 0.30); // the corrupted probe
        Assert.Equal(0.0, wrong[^1]);          // repaired exactly
        Assert.Equal(48, doc.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(40, doc.RootElement.GetProperty("height").GetInt32());
        var strip = ImageFile.Read(output);
        Assert.True(strip.Width > 3 * 48, $"strip is only {strip.Width} wide");
    }

    [Fact]
    public void HandlesAMegapixelImageWithBitPackedStorage()
    {
        string big = Shape("big.png", 1024, 1024, (x, y) => ((x / 64) + (y / 64)) % 2 == 0);
        string other = Shape("other.png", 1024, 1024, (x, y) => (x + y) % 300 < 150);
        string output = Path.Combine(_dir, "big-strip.png");

        var (code, stdout, error) = CliRunner.Run("repair", big, "--also", other, "--mode", "sync", "--steps", "2", "--noise", "0.2", "--out", output, "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(1024, doc.RootElement.GetProperty("width").GetInt32());
        Assert.True(doc.RootElement.GetProperty("pattern_bytes").GetInt64() < 2 * 1024 * 1024);
        var wrong = doc.RootElement.GetProperty("wrong_fraction_by_step").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(0.0, wrong[^1]);
    }

    [Fact]
    public void MissingImageIsBadInputNamingTheFile()
    {
        var (code, _, error) = CliRunner.Run("repair", Path.Combine(_dir, "nope.png"), "--out", Path.Combine(_dir, "x.png"));
        Assert.Equal(1, code);
        Assert.Contains("nope.png", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadSizeIsAUsageError()
    {
        string ring = Shape("r.png", 8, 8, (x, y) => x == y);
        var (code, _, error) = CliRunner.Run("repair", ring, "--size", "12by4", "--out", Path.Combine(_dir, "x.png"));
        Assert.Equal(2, code);
        Assert.Contains("--size", error, StringComparison.Ordinal);
    }
}
