using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;
using Hopfield.Testing;

namespace Hopfield.ML.Tests.Pipeline;

/// <summary>
/// Issue 8, concurrency: a fitted chain (Hopfield denoise + classifier), the same chain after a save/load round trip, and
/// one shared <see cref="PredictionEngine{TSrc, TDst}"/> give from 8 threads at once exactly the sequential results.
/// </summary>
public sealed class PipelineConcurrencyTests
{
    private const int Dim = 6;
    private const double Budget = 0.3;

    public sealed class Row
    {
        [VectorSize(Dim)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Prediction
    {
        public float[] Clean { get; set; } = [];

        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    private static (HopfieldContext Ctx, ITransformer Softmax, ITransformer Hopfield, float[] Rows) Fit()
    {
        var ctx = new HopfieldContext(seed: 8);
        var train = PipelineTestData.BlobSet(ctx, classes: 4, perClass: 40, dim: Dim, seed: 1);
        var softmax = ctx.Transforms.HopfieldDenoise("Clean", "Features", beta: 2f)
            .Append(ctx.Classifiers.SoftmaxRegression(featureColumnName: "Clean", maxIterations: 30))
            .Fit(train);
        var hopfield = ctx.Transforms.HopfieldDenoise("Clean", "Features", beta: 1f, source: MemorySource.Prototypes)
            .Append(ctx.Classifiers.Hopfield(featureColumnName: "Clean", beta: 4f))
            .Fit(train);
        var (rows, _) = PipelineTestData.Blobs(classes: 4, perClass: 16, dim: Dim, seed: 2, noise: 2f);
        return (ctx, softmax, hopfield, rows);
    }

    private static (float[] Clean, float[] Score, int[] Label) Outputs(DataSet d) =>
        (d.GetColumn("Clean").GetFloats().ToArray(), d.GetColumn("Score").GetFloats().ToArray(), d.GetColumn("PredictedLabel").GetKeys().ToArray());

    private static bool Same((float[] Clean, float[] Score, int[] Label) a, (float[] Clean, float[] Score, int[] Label) b) =>
        ConcurrencyStress.BitEqual(a.Clean, b.Clean) && ConcurrencyStress.BitEqual(a.Score, b.Score) && a.Label.AsSpan().SequenceEqual(b.Label);

    [Fact]
    public void DenoiseClassifierChains_TransformFromEightThreads_EqualSequential()
    {
        var (ctx, softmax, hopfield, rows) = Fit();
        int count = rows.Length / Dim;

        // Inputs: both chains × batches of 1, 3, 7 and all rows, at different offsets (the 600-row batch takes the parallel path of the stages).
        var big = new float[600 * Dim];
        for (int i = 0; i < big.Length; i++)
        {
            big[i] = rows[i % rows.Length] + (0.01f * (i % 13));
        }

        var batches = new List<DataSet>();
        foreach (int size in new[] { 1, 3, 7 })
        {
            for (int start = 0; start + size <= count; start += 5)
            {
                batches.Add(ctx.Data.FromArrays("Features", rows.AsSpan(start * Dim, size * Dim), Dim));
            }
        }

        batches.Add(ctx.Data.FromArrays("Features", big, Dim));
        ITransformer[] models = [softmax, hopfield];
        ConcurrencyStress.Run(batches.Count * models.Length, i => Outputs(models[i % 2].Transform(batches[i / 2])), Same, budgetSeconds: Budget);
    }

    [Fact]
    public void LoadedChain_TransformFromEightThreads_EqualsTheSavedChainSequentially()
    {
        var (ctx, softmax, _, rows) = Fit();
        using var stream = new MemoryStream();
        ctx.Model.Save(softmax, null, stream);
        stream.Position = 0;
        var loaded = ctx.Model.Load(stream, out _);
        int count = rows.Length / Dim;
        var singles = Enumerable.Range(0, count).Select(r => ctx.Data.FromArrays("Features", rows.AsSpan(r * Dim, Dim), Dim)).ToArray();
        var expected = singles.Select(d => Outputs(softmax.Transform(d))).ToArray();

        ConcurrencyStress.Run(singles.Length, i => Outputs(loaded.Transform(singles[i])), Same, budgetSeconds: Budget * 2 / 3);
        for (int i = 0; i < singles.Length; i++)
        {
            Assert.True(Same(expected[i], Outputs(loaded.Transform(singles[i]))), $"row {i}: the loaded chain differs from the saved one");
        }
    }

    [Fact]
    public void SharedPredictionEngine_OverDenoiseClassifier_FromEightThreads_EqualsSequential()
    {
        var (ctx, softmax, hopfield, rows) = Fit();
        var engines = new[] { ctx.Model.CreatePredictionEngine<Row, Prediction>(softmax), ctx.Model.CreatePredictionEngine<Row, Prediction>(hopfield) };
        var inputs = Enumerable.Range(0, rows.Length / Dim).Select(r => rows.AsSpan(r * Dim, Dim).ToArray()).ToArray();

        ConcurrencyStress.Run(inputs.Length * 2, i => engines[i % 2].Predict(new Row { Features = inputs[i / 2] }),
            (a, b) => ConcurrencyStress.BitEqual(a.Clean, b.Clean) && ConcurrencyStress.BitEqual(a.Score, b.Score) && a.PredictedLabel == b.PredictedLabel,
            budgetSeconds: Budget);
    }
}
