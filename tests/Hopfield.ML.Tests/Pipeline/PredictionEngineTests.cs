using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

public class PredictionEngineTests
{
    public sealed class Input
    {
        [VectorSize(5)]
        public float[] Features { get; set; } = [];
    }

    public sealed class WrongInput
    {
        [VectorSize(4)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Output
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    private static (ITransformer Model, float[][] Rows) Fit()
    {
        var ctx = new HopfieldContext(seed: 4);
        var (x, y) = PipelineTestData.Blobs(3, 40, 5, seed: 9);
        var train = ctx.Data.FromArrays("Features", x, 5, "Label", y);
        var model = ctx.Transforms.NormalizeMinMax("Features").Append(ctx.Classifiers.SoftmaxRegression(maxIterations: 40)).Fit(train);
        var rows = Enumerable.Range(0, 120).Select(i => x.AsSpan(i * 5, 5).ToArray()).ToArray();
        return (model, rows);
    }

    [Fact]
    public void SharedEngineFromEightThreadsEqualsSequentialAndBatchResults()
    {
        var (model, rows) = Fit();
        var engine = model.CreatePredictionEngine<Input, Output>();
        var sequential = rows.Select(r => engine.Predict(new Input { Features = r })).ToArray();

        var batch = model.Transform(new HopfieldContext().Data.FromArrays("Features", rows.SelectMany(r => r).ToArray(), 5));
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(batch.GetColumn("Score").GetVector(i).ToArray(), sequential[i].Score);
            Assert.Equal((uint)batch.GetColumn("PredictedLabel").GetKeys()[i], sequential[i].PredictedLabel);
        }

        var parallel = new Output[8][];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            var mine = new Output[rows.Length];
            for (int rep = 0; rep < 3; rep++)
            {
                for (int k = 0; k < rows.Length; k++)
                {
                    int i = (k + (t * 17)) % rows.Length;
                    mine[i] = engine.Predict(new Input { Features = rows[i] });
                }
            }

            parallel[t] = mine;
        })).ToArray();
        foreach (var th in threads)
        {
            th.Start();
        }

        foreach (var th in threads)
        {
            th.Join();
        }

        foreach (var result in parallel)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(sequential[i].Score, result[i].Score);
                Assert.Equal(sequential[i].PredictedLabel, result[i].PredictedLabel);
            }
        }
    }

    [Fact]
    public void EngineChecksInputTypeAgainstModel()
    {
        var (model, _) = Fit();
        var ex = Assert.Throws<SchemaMismatchException>(() => model.CreatePredictionEngine<WrongInput, Output>());
        Assert.Equal("Column 'Features' has vector size 4, expected 5.", ex.Message);
    }
}
