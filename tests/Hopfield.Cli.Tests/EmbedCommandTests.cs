using System.Text.Json;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.Cli.Tests;

/// <summary>Paths of the committed ONNX models, found by walking up from the test binaries.</summary>
internal static class OnnxModelFiles
{
    public static string Path(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "onnx", "models", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"onnx/models/{file} not found above {AppContext.BaseDirectory}.");
    }

    public static float[] ReadFloats(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        return Enumerable.Range(0, b.Length / 4).Select(i => BitConverter.ToSingle(b, i * 4)).ToArray();
    }
}

public sealed class EmbedCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hopfield-embed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteImages(int count, int size = 28)
    {
        var rng = new Random(4);
        var images = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size * size).Select(_ => rng.Next(256) / 255f).ToArray()).ToList();
        string path = System.IO.Path.Combine(_dir, "images.idx.gz");
        Idx.WriteImages(path, images, size, size);
        return path;
    }

    [Fact]
    public void WritesTheEncoderOutputsAsRawFloat32AndPrintsTheShape()
    {
        string images = WriteImages(7);
        string model = OnnxModelFiles.Path("classifier.onnx");
        string outPath = System.IO.Path.Combine(_dir, "out.f32");
        var (code, output, error) = CliRunner.Run("embed", "--model", model, "--images", images, "--out", outPath, "--batch", "3", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(7, doc.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(10, doc.RootElement.GetProperty("dim").GetInt32());
        Assert.Equal("logits", doc.RootElement.GetProperty("output").GetString());
        float[] written = OnnxModelFiles.ReadFloats(outPath);
        Assert.Equal(70, written.Length);

        var (pixels, _, _, _) = Hopfield.Cli.Commands.IdxImages.Load(images);
        using var session = OnnxSession.FromFile(model);
        float[] expected = session.Run(new OnnxTensor(pixels, 7, 1, 28, 28)).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - written[i]) <= 1e-5f, $"value {i}: {expected[i]} vs {written[i]}");
        }
    }

    [Fact]
    public void TableOutputNamesTheShape()
    {
        string images = WriteImages(3);
        string outPath = System.IO.Path.Combine(_dir, "latent.f32");
        var (code, output, error) = CliRunner.Run("embed", "-m", OnnxModelFiles.Path("autoencoder_encoder.onnx"), "-i", images, "-o", outPath, "--count", "2");
        Assert.True(code == 0, error);
        Assert.Contains("2 × 32 float32 (latent)", output, StringComparison.Ordinal);
        Assert.Equal(2 * 32 * 4, new FileInfo(outPath).Length);
    }

    [Fact]
    public void ImageSizeThatDoesNotFitTheModelIsBadInput()
    {
        string images = WriteImages(2, size: 10);
        var (code, _, error) = CliRunner.Run("embed", "--model", OnnxModelFiles.Path("classifier.onnx"), "--images", images, "--out", System.IO.Path.Combine(_dir, "x.f32"));
        Assert.Equal(1, code);
        Assert.Contains("784", error, StringComparison.Ordinal);
        Assert.Contains("10×10", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFilesAndBadOptionsAreReported()
    {
        var (code, _, error) = CliRunner.Run("embed", "--model", System.IO.Path.Combine(_dir, "none.onnx"), "--images", WriteImages(1), "--out", System.IO.Path.Combine(_dir, "x.f32"));
        Assert.Equal(1, code);
        Assert.Contains("none.onnx", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("embed", "--model", OnnxModelFiles.Path("classifier.onnx"), "--images", WriteImages(1), "--out", System.IO.Path.Combine(_dir, "x.f32"), "--batch", "0");
        Assert.Equal(1, code);
        Assert.Contains("--batch", error, StringComparison.Ordinal);
        (code, _, _) = CliRunner.Run("embed", "--images", WriteImages(1), "--out", "x.f32");
        Assert.Equal(2, code);
    }
}
