using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Onnx.Tests.Models;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Tests.Export;

/// <summary>A fitted SemanticRetrieve stage exported as one graph (encoder + memory) agrees with the stage in ONNX Runtime.</summary>
public class SemanticExportTests
{
    [Theory]
    [InlineData("simclr_encoder", SimilarityFunction.NegativeManhattan, SeparationFunction.Softmax, false)]
    [InlineData("simclr_encoder", SimilarityFunction.Cosine, SeparationFunction.Max, false)]
    [InlineData("autoencoder_encoder", SimilarityFunction.Dot, SeparationFunction.TopKSoftmax, true)]
    [InlineData("autoencoder_encoder", SimilarityFunction.NegativeEuclidean, SeparationFunction.Softmax, false)]
    public void ExportedStageMatchesTheStage(string encoderName, SimilarityFunction similarity, SeparationFunction separation, bool normalize)
    {
        var ctx = new HopfieldContext(seed: 1);
        var set = FashionMnist.LoadEmbedded(DataSplit.Test);
        const int stored = 30, queries = 12;
        float[] pixels = set.Images.Take(stored).SelectMany(r => r).ToArray();
        var data = ctx.Data.FromArrays("Features", pixels, 784);
        var encoder = new ApplyOnnxModelTransformer("phi", "Features", File.ReadAllBytes(CommittedModels.ModelPath(encoderName)), normalize: normalize);
        var options = new UniversalHopfieldOptions { Similarity = similarity, Separation = separation, Beta = 2f, TopK = 3 };
        var stage = new SemanticRetrieveEstimator("Retrieved", "Features", encoder, options).Fit(data);

        // Queries: horizontally flipped stored images (not stored themselves).
        float[] q = new float[queries * 784];
        for (int i = 0; i < queries; i++)
        {
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    q[(i * 784) + (y * 28) + x] = pixels[(i * 784) + (y * 28) + 27 - x];
                }
            }
        }

        float[] expected = stage.Transform(ctx.Data.FromArrays("Features", q, 784)).GetColumn("Retrieved").GetFloats().ToArray();
        int[] nearest = new int[queries];
        stage.Memory.NearestBatch(q, queries, nearest);

        byte[] model = OnnxExport.SemanticRetrieve(stage);
        using var session = OnnxSession.FromBytes(model);
        var input = Assert.Single(session.Inputs);
        Assert.Equal("image", input.Name);
        var outputs = session.Run(new Dictionary<string, OnnxTensor> { [input.Name] = new(q, queries, 1, 28, 28) });
        TestModels.AssertClose(expected, outputs[OnnxExport.RetrievedOutputName].Span, 1e-4f);
        float[] attention = outputs[OnnxExport.AttentionOutputName].ToArray();
        for (int i = 0; i < queries; i++)
        {
            var row = attention.AsSpan(i * stored, stored);
            Assert.Equal(nearest[i], row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)));
        }

        Assert.Contains(encoder.ModelOutputName, outputs.Keys);
    }

    [Fact]
    public void EmbeddingSizeMismatchAndOldOpsetAreRejected()
    {
        byte[] encoder = File.ReadAllBytes(CommittedModels.ModelPath("autoencoder_encoder")); // 32-d latent
        var memory = new UniversalHopfieldMemory(TestModels.Random(5 * 16, 1), 5);
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.SemanticRetrieve(encoder, memory));
        Assert.Contains("32", e.Message, StringComparison.Ordinal);
        Assert.Contains("16", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => OnnxExport.SemanticRetrieve(encoder, memory, encoderOutputName: "nope"));
        Assert.Contains("latent", e.Message, StringComparison.Ordinal);

        var b = new OnnxModelBuilder("old", opset: 11);
        b.AddInput("x", "batch", 16);
        b.AddNode("Identity", ["x"], ["y"]);
        b.AddOutput("y", "batch", 16);
        Assert.Throws<NotSupportedException>(() => OnnxExport.SemanticRetrieve(b.Build(), memory));
        Assert.Throws<InvalidDataException>(() => OnnxExport.SemanticRetrieve([0x0A, 0xFF], memory));
    }
}
