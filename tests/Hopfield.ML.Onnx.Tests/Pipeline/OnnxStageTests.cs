using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML.Onnx.Tests.Models;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Tests.Pipeline;

public sealed class OnnxStageTests : IDisposable
{
    private static readonly Lazy<(float[] Pixels, int[] Labels)> TestSet = new(() =>
    {
        var set = FashionMnist.LoadEmbedded(DataSplit.Test);
        return (set.Images.SelectMany(r => r).ToArray(), set.Labels.ToArray());
    });

    private readonly string _dir = Directory.CreateTempSubdirectory("hopfield-onnx-stage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DataSet Data(HopfieldContext ctx, int rows)
    {
        var (pixels, labels) = TestSet.Value;
        return ctx.Data.FromArrays("Features", pixels.AsSpan(0, rows * 784), 784, "Label", labels.AsSpan(0, rows), 10);
    }

    private ITransformer RoundTrip(HopfieldContext ctx, ITransformer model, DataSchema schema)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".hopfield");
        ctx.Model.Save(model, schema, path);
        return ctx.Model.Load(path);
    }

    [Fact]
    public void ApplyOnnxModelReproducesTheEncoderAndSurvivesSaveLoad()
    {
        var ctx = new HopfieldContext(seed: 1);
        float[] images = CommittedModels.ReferenceImages();
        var data = ctx.Data.FromArrays("Image", images, 784);
        var model = ctx.Transforms.ApplyOnnxModel("Latent", "Image", CommittedModels.ModelPath("autoencoder_encoder")).Fit(data);
        Assert.Equal("latent", model.ModelOutputName);
        Assert.Equal(32, model.OutputSize);
        var outSchema = model.GetOutputSchema(data.Schema);
        Assert.Equal(32, outSchema["Latent"].VectorSize);
        float[] latent = model.Transform(data).GetColumn("Latent").GetFloats().ToArray();
        float[] expected = CommittedModels.ReadFloats("autoencoder_encoder.reference.f32");
        TestModels.AssertClose(expected, latent, 1e-4f);

        var loaded = Assert.IsType<ApplyOnnxModelTransformer>(RoundTrip(ctx, model, data.Schema));
        Assert.Equal(model.ModelSha256, loaded.ModelSha256);
        Assert.Equal(latent, loaded.Transform(data).GetColumn("Latent").GetFloats().ToArray());
    }

    [Fact]
    public void ApplyOnnxEncoderNormalisesAndChecksTheColumnSize()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.FromArrays("Image", CommittedModels.ReferenceImages(), 784);
        var model = ctx.Transforms.ApplyOnnxEncoder("Embedding", "Image", CommittedModels.ModelPath("autoencoder_encoder")).Fit(data);
        var e = model.Transform(data).GetColumn("Embedding");
        for (int r = 0; r < e.RowCount; r++)
        {
            var row = e.GetVector(r);
            Assert.Equal(1f, MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(row)), 4);
        }

        var loaded = Assert.IsType<ApplyOnnxModelTransformer>(RoundTrip(ctx, model, data.Schema));
        Assert.True(loaded.Normalize);
        Assert.Equal(e.GetFloats().ToArray(), loaded.Transform(data).GetColumn("Embedding").GetFloats().ToArray());

        var wrong = ctx.Data.FromArrays("Image", new float[3 * 100], 100);
        var ex = Assert.Throws<SchemaMismatchException>(() => model.Transform(wrong));
        Assert.Equal("Image", ex.ColumnName);
        Assert.Throws<FileNotFoundException>(() => ctx.Transforms.ApplyOnnxModel("x", "Image", Path.Combine(_dir, "missing.onnx")));
    }

    [Fact]
    public void OnnxClassifierScoresTheTestSetLikeItsManifestAndSurvivesSaveLoad()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = Data(ctx, 500);
        var model = ctx.Classifiers.OnnxClassifier(CommittedModels.ModelPath("classifier")).Fit(data);
        Assert.Equal(10, model.ClassCount);
        var scored = model.Transform(data);
        var metrics = ctx.Classifiers.Evaluate(scored);
        Assert.InRange(metrics.MicroAccuracy, 0.84, 0.95); // manifest: 89.0% on the 10,000 test images
        Assert.True(metrics.LogLoss < 0.5, $"log-loss {metrics.LogLoss}");
        var score = scored.GetColumn("Score");
        for (int r = 0; r < score.RowCount; r++)
        {
            Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Sum(score.GetVector(r)), 4);
        }

        var loaded = Assert.IsType<OnnxClassifierTransformer>(RoundTrip(ctx, model, data.Schema));
        var again = loaded.Transform(data);
        Assert.Equal(score.GetFloats().ToArray(), again.GetColumn("Score").GetFloats().ToArray());
        Assert.Equal(scored.GetColumn("PredictedLabel").GetKeys().ToArray(), again.GetColumn("PredictedLabel").GetKeys().ToArray());
    }

    [Theory]
    [InlineData(SemanticRetrieveOutput.Original)]
    [InlineData(SemanticRetrieveOutput.Index)]
    [InlineData(SemanticRetrieveOutput.Label)]
    public void SemanticRetrieveReturnsStoredRowsAndSurvivesSaveLoad(SemanticRetrieveOutput output)
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = Data(ctx, 60);
        var estimator = ctx.Transforms.SemanticRetrieve("Retrieved", "Features", CommittedModels.ModelPath("autoencoder_encoder"),
            new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan, Separation = SeparationFunction.Max }, output, maxStored: 40);
        var model = estimator.Fit(data);
        Assert.Equal(40, model.Memory.Count);
        var result = model.Transform(data);
        var column = result.GetColumn("Retrieved");
        var (pixels, labels) = TestSet.Value;
        switch (output)
        {
            case SemanticRetrieveOutput.Original:
                Assert.Equal(pixels.AsSpan(0, 40 * 784).ToArray(), column.GetFloats()[..(40 * 784)].ToArray());
                break;
            case SemanticRetrieveOutput.Index:
                Assert.Equal(Enumerable.Range(0, 40), column.GetKeys()[..40].ToArray());
                Assert.Equal(40, column.Schema.KeyCount);
                break;
            default:
                Assert.Equal(labels.AsSpan(0, 40).ToArray(), column.GetKeys()[..40].ToArray());
                Assert.Equal(10, column.Schema.KeyCount);
                break;
        }

        var loaded = Assert.IsType<SemanticRetrieveTransformer>(RoundTrip(ctx, model, data.Schema));
        Assert.Equal(output, loaded.Output);
        var again = loaded.Transform(data).GetColumn("Retrieved");
        if (output == SemanticRetrieveOutput.Original)
        {
            Assert.Equal(column.GetFloats().ToArray(), again.GetFloats().ToArray());
        }
        else
        {
            Assert.Equal(column.GetKeys().ToArray(), again.GetKeys().ToArray());
        }
    }

    [Fact]
    public void SemanticRetrieveClassScoresAreTheAttentionMassPerClassAndSurviveSaveLoad()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = Data(ctx, 60);
        var options = new UniversalHopfieldOptions { Similarity = SimilarityFunction.Dot, Separation = SeparationFunction.Softmax, Beta = 0.05f };
        string encoder = CommittedModels.ModelPath("autoencoder_encoder");
        var model = ctx.Transforms.SemanticRetrieve("Votes", "Features", encoder, options, SemanticRetrieveOutput.ClassScores, maxStored: 40).Fit(data);
        var votes = model.Transform(data).GetColumn("Votes");
        Assert.Equal(10, votes.VectorSize);

        // The same weights as a single retrieval's attention, summed over the stored rows of each class.
        var (pixels, labels) = TestSet.Value;
        for (int r = 0; r < 60; r += 7)
        {
            var attention = model.Memory.Retrieve(pixels.AsSpan(r * 784, 784)).Attention;
            var expected = new float[10];
            for (int j = 0; j < 40; j++)
            {
                expected[labels[j]] += attention[j];
            }

            var row = votes.GetVector(r).ToArray();
            Assert.Equal(1f, row.Sum(), 3);
            for (int c = 0; c < 10; c++)
            {
                Assert.Equal(expected[c], row[c], 4);
            }
        }

        var loaded = Assert.IsType<SemanticRetrieveTransformer>(RoundTrip(ctx, model, data.Schema));
        Assert.Equal(SemanticRetrieveOutput.ClassScores, loaded.Output);
        Assert.Equal(votes.GetFloats().ToArray(), loaded.Transform(data).GetColumn("Votes").GetFloats().ToArray());
        Assert.Equal(10, ctx.Transforms.SemanticRetrieve("Votes", "Features", encoder, options, SemanticRetrieveOutput.ClassScores).GetOutputSchema(data.Schema)["Votes"].VectorSize);
    }

    [Fact]
    public void SemanticRetrieveValidatesColumns()
    {
        var ctx = new HopfieldContext(seed: 1);
        var images = ctx.Data.FromArrays("Features", CommittedModels.ReferenceImages(), 784);
        var e = Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.SemanticRetrieve("R", "Features", CommittedModels.ModelPath("autoencoder_encoder"), output: SemanticRetrieveOutput.Label).Fit(images));
        Assert.Equal("Label", e.ColumnName);
        var small = ctx.Data.FromArrays("Features", new float[4 * 10], 10);
        Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.SemanticRetrieve("R", "Features", CommittedModels.ModelPath("autoencoder_encoder")).Fit(small));
        Assert.Throws<ArgumentException>(() => ctx.Transforms.SemanticRetrieve("R", "Features", CommittedModels.ModelPath("autoencoder_encoder")).Fit(ctx.Data.FromArrays("Features", [], 784)));
    }

    [Fact]
    public void EncoderThenSoftmaxRegressionChainsAndSaves()
    {
        var ctx = new HopfieldContext(seed: 3);
        var data = Data(ctx, 400);
        var pipeline = ctx.Transforms.ApplyOnnxEncoder("Embedding", "Features", CommittedModels.ModelPath("autoencoder_encoder"), normalize: false)
            .Append(ctx.Classifiers.SoftmaxRegression(featureColumnName: "Embedding", maxIterations: 50));
        var model = pipeline.Fit(data);
        var metrics = ctx.Classifiers.Evaluate(model.Transform(data));
        Assert.True(metrics.MicroAccuracy > 0.6, $"accuracy {metrics.MicroAccuracy}");
        var loaded = RoundTrip(ctx, model, data.Schema);
        Assert.Equal(
            model.Transform(data).GetColumn("PredictedLabel").GetKeys().ToArray(),
            loaded.Transform(data).GetColumn("PredictedLabel").GetKeys().ToArray());
    }
}

public class OnnxModelBlobTests
{
    [Fact]
    public void ALoadedModelWhoseRecordedHashDiffersIsRejected()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.FromArrays("Image", CommittedModels.ReferenceImages(), 784);
        var model = ctx.Transforms.ApplyOnnxModel("Latent", "Image", CommittedModels.ModelPath("autoencoder_encoder")).Fit(data);
        using var ms = new MemoryStream();
        ctx.Model.Save(model, data.Schema, ms);
        byte[] file = ms.ToArray();

        // Change one hex digit of the recorded model hash, then re-seal the container checksum so only the stage check can notice.
        string text = System.Text.Encoding.Latin1.GetString(file);
        int at = text.IndexOf(model.ModelSha256, StringComparison.Ordinal);
        Assert.True(at > 0);
        file[at] = (byte)(file[at] == (byte)'0' ? '1' : '0');
        System.Security.Cryptography.SHA256.HashData(file.AsSpan(0, file.Length - 32)).CopyTo(file, file.Length - 32);

        var e = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(new MemoryStream(file), out _));
        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains("ApplyOnnxModel", e.Message, StringComparison.Ordinal);
        Assert.Contains("the file records", e.Message, StringComparison.Ordinal);
    }
}
