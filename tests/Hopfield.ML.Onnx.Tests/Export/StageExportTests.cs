using System.Numerics.Tensors;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.ML.Onnx.Tests.Export;

/// <summary>Fitted HopfieldDenoise and Hopfield classifier stages exported to ONNX give the stage's output in ONNX Runtime.</summary>
public class StageExportTests
{
    private const int Stored = 80, Queries = 24, Dim = 784;

    [Theory]
    [InlineData(SimilarityFunction.NegativeManhattan, SeparationFunction.Softmax, 0.25f, 1, 0f)]
    [InlineData(SimilarityFunction.Cosine, SeparationFunction.Softmax, 30f, 2, 0.5f)]
    [InlineData(SimilarityFunction.NegativeEuclidean, SeparationFunction.TopKSoftmax, 3f, 1, 0.5f)]
    [InlineData(SimilarityFunction.Dot, SeparationFunction.Max, 1f, 3, 0f)]
    public void ExportedDenoiseMatchesTheStage(SimilarityFunction similarity, SeparationFunction separation, float beta, int steps, float gate)
    {
        var (ctx, train, queries, _) = Data();
        var stage = (HopfieldDenoiseTransformer)ctx.Transforms.HopfieldDenoise("Features", "Features", new HopfieldDenoiseEstimator.Options
        {
            Similarity = similarity,
            Separation = separation,
            Beta = beta,
            TopK = 4,
            Steps = steps,
            ConfidenceGate = gate,
            ExcludeIdentical = true,
        }).Fit(train);
        float[] expected = stage.Transform(ctx.Data.FromArrays("Features", queries, Dim)).GetColumn("Features").GetFloats().ToArray();

        using var session = OnnxSession.FromBytes(OnnxExport.HopfieldDenoise(stage));
        var outputs = session.Run(new Dictionary<string, OnnxTensor> { [OnnxExport.QueryInputName] = new(queries, Queries, Dim) });
        TestModels.AssertClose(expected, outputs[OnnxExport.RetrievedOutputName].Span, 1e-4f);
        Assert.Equal(Queries * Stored, outputs[OnnxExport.AttentionOutputName].Span.Length);

        if (gate > 0)
        {
            // The case must exercise the gate both ways: some rows pass unchanged, some are retrieved.
            int unchanged = Enumerable.Range(0, Queries).Count(r => expected.AsSpan(r * Dim, Dim).SequenceEqual(queries.AsSpan(r * Dim, Dim)));
            Assert.InRange(unchanged, 1, Queries - 1);
        }
    }

    [Theory]
    [InlineData(SimilarityFunction.NegativeManhattan, SeparationFunction.TopKSoftmax, 0.05f)]
    [InlineData(SimilarityFunction.Cosine, SeparationFunction.Softmax, 20f)]
    [InlineData(SimilarityFunction.Dot, SeparationFunction.Identity, 1f)]
    public void ExportedClassifierMatchesTheStage(SimilarityFunction similarity, SeparationFunction separation, float beta)
    {
        var (ctx, train, queries, labels) = Data();
        var stage = (HopfieldClassifierTransformer)ctx.Classifiers.Hopfield(new HopfieldClassifierTrainer.Options
        {
            Similarity = similarity,
            Separation = separation,
            Beta = beta,
            TopK = 5,
        }).Fit(train);
        var scored = stage.Transform(ctx.Data.FromArrays("Features", queries, Dim, "Label", labels, 10));
        float[] expectedScores = scored.GetColumn("Score").GetFloats().ToArray();
        int[] expectedLabels = scored.GetColumn("PredictedLabel").GetKeys().ToArray();

        using var session = OnnxSession.FromBytes(OnnxExport.HopfieldClassifier(stage));
        var outputs = session.Run(new Dictionary<string, OnnxTensor> { [OnnxExport.QueryInputName] = new(queries, Queries, Dim) });
        float scale = Math.Max(1f, TensorPrimitives.MaxMagnitude(expectedScores));
        TestModels.AssertClose(expectedScores, outputs[OnnxExport.ScoreOutputName].Span, 1e-4f * scale);
        Assert.Equal(expectedLabels.Select(l => (float)l), outputs[OnnxExport.PredictedLabelOutputName].ToArray());
    }

    private static (HopfieldContext Ctx, DataSet Train, float[] Queries, int[] Labels) Data()
    {
        var ctx = new HopfieldContext(seed: 3);
        var set = FashionMnist.LoadEmbedded(DataSplit.Test);
        float[] pixels = set.Images.Take(Stored).SelectMany(r => r).ToArray();
        var train = ctx.Data.FromArrays("Features", pixels, Dim, "Label", set.Labels.Take(Stored).ToArray(), 10);

        // Queries: other test images with Gaussian noise, none of them stored.
        var noise = Corruptions.Parse("gaussian:0.3")[0];
        float[] queries = Enumerable.Range(Stored, Queries).SelectMany(i => noise.Apply(set.Images[i], 28, 28, seed: i)).ToArray();
        return (ctx, train, queries, set.Labels.Skip(Stored).Take(Queries).ToArray());
    }
}
