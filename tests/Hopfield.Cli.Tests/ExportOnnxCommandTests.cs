using System.Security.Cryptography;
using System.Text.Json;
using Hopfield.Cli.Commands;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.Cli.Tests;

public sealed class ExportOnnxCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hopfield-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("manhattan", "softmax")]
    [InlineData("cosine", "topk")]
    [InlineData("dot", "max")]
    public void ExportedMemoryRetrievesLikeTheCSharpMemory(string similarity, string separation)
    {
        string outPath = Path.Combine(_dir, "memory.onnx");
        var (code, output, error) = CliRunner.Run(
            "export-onnx", "--count", "50", "--similarity", similarity, "--separation", separation, "--beta", "0.05", "--k", "3", "--out", outPath, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(50, doc.RootElement.GetProperty("patterns").GetInt32());
        Assert.Equal(784, doc.RootElement.GetProperty("dim").GetInt32());
        byte[] model = File.ReadAllBytes(outPath);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), doc.RootElement.GetProperty("sha256").GetString());

        var (pixels, _, _, _) = IdxImages.Load(ExportOnnxCommand.DefaultImages(), 50);
        var memory = new UniversalHopfieldMemory(pixels, 50, default, new UniversalHopfieldOptions
        {
            Similarity = ExportOnnxCommand.ParseSimilarity(similarity),
            Separation = ExportOnnxCommand.ParseSeparation(separation),
            Beta = 0.05f,
            TopK = 3,
        });
        float[] query = pixels.AsSpan(7 * 784, 784).ToArray();
        for (int i = 0; i < 784; i += 3)
        {
            query[i] = 1f - query[i];
        }

        using var session = OnnxSession.FromBytes(model);
        float[] actual = session.Run(new OnnxTensor(query, 1, 784)).ToArray();
        float[] expected = memory.Retrieve(query);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"pixel {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void EncoderOptionExportsImageToRetrievedOriginal()
    {
        string outPath = Path.Combine(_dir, "semantic.onnx");
        string encoder = OnnxModelFiles.Path("simclr_encoder.onnx");
        var (code, output, error) = CliRunner.Run("export-onnx", "--count", "20", "--encoder", encoder, "--similarity", "l1", "--separation", "max", "--out", outPath, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("image", doc.RootElement.GetProperty("inputs")[0].GetProperty("name").GetString());

        var (pixels, _, _, _) = IdxImages.Load(ExportOnnxCommand.DefaultImages(), 20);
        using var phi = Hopfield.ML.Onnx.FeatureMaps.OnnxFeatureMap.FromFile(encoder);
        var semantic = new Hopfield.ML.Memories.Semantic.SemanticMemory(phi, pixels, 20, new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan, Separation = SeparationFunction.Max });
        float[] query = pixels.AsSpan(5 * 784, 784).ToArray();
        Array.Reverse(query); // rotated by 180°: an unseen query
        using var session = OnnxSession.FromFile(outPath);
        var outputs = session.Run(new Dictionary<string, OnnxTensor> { ["image"] = new(query, 1, 1, 28, 28) });
        var expected = semantic.Retrieve(query);
        Assert.Equal(expected.Output, outputs["retrieved"].ToArray());
    }

    [Fact]
    public void PipelineOptionExportsASavedSemanticRetrieveStage()
    {
        var ctx = new Hopfield.ML.HopfieldContext(seed: 1);
        var (pixels, _, _, _) = IdxImages.Load(ExportOnnxCommand.DefaultImages(), 15);
        var data = ctx.Data.FromArrays("Features", pixels, 784);
        var stage = Hopfield.ML.Onnx.Pipeline.OnnxCatalogExtensions.SemanticRetrieve(ctx.Transforms, "Retrieved", "Features", OnnxModelFiles.Path("autoencoder_encoder.onnx")).Fit(data);
        string modelFile = Path.Combine(_dir, "stage.hopfield");
        ctx.Model.Save(stage, data.Schema, modelFile);

        string outPath = Path.Combine(_dir, "stage.onnx");
        var (code, output, error) = CliRunner.Run("export-onnx", "--pipeline", modelFile, "--out", outPath);
        Assert.True(code == 0, error);
        Assert.Contains("SemanticRetrieve stage", output, StringComparison.Ordinal);
        using var session = OnnxSession.FromFile(outPath);
        float[] retrieved = session.Run(new Dictionary<string, OnnxTensor> { ["image"] = new(pixels, 15, 1, 28, 28) })["retrieved"].ToArray();
        Assert.Equal(pixels, retrieved); // L1 + max: every stored image retrieves itself

        string other = Path.Combine(_dir, "other.hopfield");
        ctx.Model.Save(ctx.Transforms.ScalePixels("Features").Fit(data), data.Schema, other);
        (code, _, error) = CliRunner.Run("export-onnx", "--pipeline", other, "--out", outPath);
        Assert.Equal(1, code);
        Assert.Contains("ScalePixelsTransformer", error, StringComparison.Ordinal);
        (code, _, _) = CliRunner.Run("export-onnx", "--pipeline", other, "--encoder", "x.onnx", "--out", outPath);
        Assert.Equal(2, code);
    }

    [Fact]
    public void PipelineOptionExportsTheDenoiseStageOfASavedPipeline()
    {
        var ctx = new Hopfield.ML.HopfieldContext(seed: 1);
        var (pixels, _, _, _) = IdxImages.Load(ExportOnnxCommand.DefaultImages(), 40);
        var data = ctx.Data.FromArrays("Features", pixels.AsSpan(0, 30 * 784), 784, "Label", new int[30], 1);
        var model = ctx.Transforms.HopfieldDenoise("Features", "Features", 0.25f, SimilarityFunction.NegativeManhattan)
            .Append(ctx.Classifiers.Hopfield())
            .Fit(data);
        string modelFile = Path.Combine(_dir, "denoise.hopfield");
        ctx.Model.Save(model, data.Schema, modelFile);

        string outPath = Path.Combine(_dir, "denoise.onnx");
        var (code, output, error) = CliRunner.Run("export-onnx", "--pipeline", modelFile, "--out", outPath);
        Assert.True(code == 0, error);
        Assert.Contains("HopfieldDenoise stage", output, StringComparison.Ordinal);

        // Unseen images: the exported graph gives what the fitted stage gives.
        float[] queries = pixels.AsSpan(30 * 784, 10 * 784).ToArray();
        float[] expected = model.Transform(ctx.Data.FromArrays("Features", queries, 784)).GetColumn("Features").GetFloats().ToArray();
        using var session = OnnxSession.FromFile(outPath);
        float[] actual = session.Run(new Dictionary<string, OnnxTensor> { ["query"] = new(queries, 10, 784) })["retrieved"].ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"value {i}: stage {expected[i]}, ONNX {actual[i]}");
        }
    }

    [Fact]
    public void PipelineOptionExportsASavedPoolingStage()
    {
        var ctx = new Hopfield.ML.HopfieldContext(seed: 1);
        const int slots = 3, dim = 4;
        var rng = new Random(3);
        float[] bags = new float[12 * slots * dim];
        for (int i = 0; i < bags.Length; i++)
        {
            bags[i] = (i / dim) % slots == 2 ? 0f : (float)rng.NextDouble(); // the last slot of every bag is padding
        }

        var data = ctx.Data.FromArrays("Bag", bags, slots * dim, "Label", Enumerable.Range(0, 12).Select(i => i % 2).ToArray(), 2);
        var stage = ctx.Transforms.HopfieldPool("Pooled", "Bag", dim).Fit(data);
        string modelFile = Path.Combine(_dir, "pool.hopfield");
        ctx.Model.Save(stage, data.Schema, modelFile);

        string outPath = Path.Combine(_dir, "pool.onnx");
        var (code, output, error) = CliRunner.Run("export-onnx", "--pipeline", modelFile, "--out", outPath);
        Assert.True(code == 0, error);
        Assert.Contains("HopfieldPool stage", output, StringComparison.Ordinal);
        float[] expected = stage.Transform(data).GetColumn("Pooled").GetFloats().ToArray();
        using var session = OnnxSession.FromFile(outPath);
        float[] actual = session.Run(new Dictionary<string, OnnxTensor> { ["bag"] = new(bags, 12, slots * dim) })["pooled"].ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"value {i}: stage {expected[i]}, ONNX {actual[i]}");
        }
    }

    [Fact]
    public void TableOutputAndBadInput()
    {
        string outPath = Path.Combine(_dir, "m.onnx");
        var (code, output, error) = CliRunner.Run("export-onnx", "--count", "5", "--out", outPath);
        Assert.True(code == 0, error);
        Assert.Contains("5 patterns of 28×28", output, StringComparison.Ordinal);
        Assert.Contains("'attention' [batch, 5]", output, StringComparison.Ordinal);

        (code, _, error) = CliRunner.Run("export-onnx", "--count", "0", "--out", outPath);
        Assert.Equal(1, code);
        Assert.Contains("--count", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("export-onnx", "--count", "5", "--beta", "-1", "--out", outPath);
        Assert.Equal(1, code);
        Assert.Contains("Beta", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("export-onnx", "--similarity", "hamming", "--out", outPath);
        Assert.Equal(2, code);
        Assert.Contains("hamming", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("export-onnx", "--count", "5", "--similarity", "l1", "--separation", "polynomial", "--out", outPath);
        Assert.Equal(1, code);
        Assert.Contains("Polynomial", error, StringComparison.Ordinal);
    }
}
