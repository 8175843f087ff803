using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML.Onnx.Tests.Models;
using Hopfield.ML.Pipeline;
using Hopfield.Testing;

namespace Hopfield.ML.Onnx.Tests.Pipeline;

/// <summary>
/// Issue 8, concurrency: the ONNX pipeline stages (SemanticRetrieve with each output kind, OnnxClassifier, ApplyOnnxEncoder),
/// fitted once and shared by 8 threads, give exactly the sequential results; so does a shared prediction engine over them.
/// </summary>
public class OnnxStageConcurrencyTests
{
    public sealed class Image
    {
        [VectorSize(784)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Scored
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    private static (float[] Pixels, int[] Labels) Test(int rows)
    {
        var set = FashionMnist.LoadEmbedded(DataSplit.Test);
        return (set.Images.Take(rows).SelectMany(r => r).ToArray(), set.Labels.Take(rows).ToArray());
    }

    private static float[] Column(DataSet d, string name)
    {
        var c = d.GetColumn(name);
        return c.Kind == ColumnKind.Key ? c.GetKeys().ToArray().Select(k => (float)k).ToArray() : c.GetFloats().ToArray();
    }

    [Fact]
    public void SemanticRetrieveClassifierAndEncoderStages_FromEightThreads_EqualSequential()
    {
        var ctx = new HopfieldContext(seed: 2);
        var (pixels, labels) = Test(52);
        var train = ctx.Data.FromArrays("Features", pixels.AsSpan(0, 40 * 784), 784, "Label", labels.AsSpan(0, 40), 10);
        var options = new UniversalHopfieldOptions { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Softmax, Beta = 20f };
        string encoder = CommittedModels.ModelPath("simclr_encoder");
        var stages = new (ITransformer Stage, string Column)[]
        {
            (ctx.Transforms.SemanticRetrieve("R", "Features", encoder, options).Fit(train), "R"),
            (ctx.Transforms.SemanticRetrieve("R", "Features", encoder, output: SemanticRetrieveOutput.Index).Fit(train), "R"),
            (ctx.Transforms.SemanticRetrieve("R", "Features", encoder, output: SemanticRetrieveOutput.Label).Fit(train), "R"),
            (ctx.Classifiers.OnnxClassifier(CommittedModels.ModelPath("classifier")).Fit(train), "Score"),
            (ctx.Transforms.ApplyOnnxEncoder("E", "Features", CommittedModels.ModelPath("autoencoder_encoder")).Fit(train), "E"),
        };

        // Inputs: held-out rows 40..47 one at a time, and rows 40..51 in batches of 4.
        var sets = Enumerable.Range(40, 8).Select(r => ctx.Data.FromArrays("Features", pixels.AsSpan(r * 784, 784), 784))
            .Concat(Enumerable.Range(0, 3).Select(b => ctx.Data.FromArrays("Features", pixels.AsSpan((40 + (b * 4)) * 784, 4 * 784), 784)))
            .ToArray();

        ConcurrencyStress.Run(sets.Length * stages.Length, i =>
        {
            var (stage, column) = stages[i % stages.Length];
            return Column(stage.Transform(sets[i / stages.Length]), column);
        }, (a, b) => ConcurrencyStress.BitEqual(a, b), budgetSeconds: 0.3);
    }

    [Fact]
    public void SharedPredictionEngineOverOnnxClassifier_FromEightThreads_EqualsSequential()
    {
        var ctx = new HopfieldContext(seed: 3);
        var (pixels, _) = Test(24);
        var model = ctx.Classifiers.OnnxClassifier(CommittedModels.ModelPath("classifier")).Fit(ctx.Data.FromArrays("Features", pixels, 784));
        var engine = ctx.Model.CreatePredictionEngine<Image, Scored>(model);
        var rows = Enumerable.Range(0, 24).Select(r => pixels.AsSpan(r * 784, 784).ToArray()).ToArray();

        ConcurrencyStress.Run(rows.Length, i => engine.Predict(new Image { Features = rows[i] }),
            (a, b) => ConcurrencyStress.BitEqual(a.Score, b.Score) && a.PredictedLabel == b.PredictedLabel, budgetSeconds: 0.2);
    }
}
