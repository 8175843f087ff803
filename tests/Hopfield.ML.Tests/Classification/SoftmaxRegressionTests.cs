using Hopfield.ML.Classification;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Tests.Pipeline;

namespace Hopfield.ML.Tests.Classification;

public class SoftmaxRegressionTests
{
    [Fact]
    public void ReachesHighAccuracyOnSeparableBlobsAndLossDecreases()
    {
        var ctx = new HopfieldContext(seed: 42);
        var train = PipelineTestData.BlobSet(ctx, classes: 10, perClass: 80, dim: 16, seed: 1);
        var test = PipelineTestData.BlobSet(ctx, classes: 10, perClass: 30, dim: 16, seed: 2);

        var model = ctx.Classifiers.SoftmaxRegression().Fit(train);
        var metrics = ctx.Classifiers.Evaluate(model.Transform(test));

        Assert.True(metrics.MicroAccuracy > 0.95, metrics.ToString());
        Assert.True(metrics.MacroF1 > 0.95, metrics.ToString());
        Assert.True(metrics.LogLoss < 0.3, metrics.ToString());
        Assert.Equal(10, metrics.ConfusionMatrix.ClassCount);

        var loss = model.TrainingLoss;
        Assert.True(loss.Count > 3);
        Assert.Equal(Math.Log(10), loss[0], 4);
        for (int i = 1; i < loss.Count; i++)
        {
            Assert.True(loss[i] <= loss[i - 1], $"loss rose at iteration {i}: {loss[i - 1]} -> {loss[i]}");
        }

        Assert.True(loss[^1] < 0.5 * loss[0]);
        Assert.NotEmpty(model.ValidationLoss);
    }

    [Fact]
    public void ScoresAreProbabilitiesAndPredictionIsArgMax()
    {
        var ctx = new HopfieldContext(seed: 3);
        var data = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 20, dim: 4, seed: 5);
        var output = ctx.Classifiers.SoftmaxRegression(maxIterations: 20).Fit(data).Transform(data);
        var score = output.GetColumn("Score");
        var predicted = output.GetColumn("PredictedLabel").GetKeys();
        for (int r = 0; r < data.RowCount; r++)
        {
            var p = score.GetVector(r);
            Assert.Equal(1f, p[0] + p[1] + p[2], 5);
            Assert.All(p.ToArray(), v => Assert.InRange(v, 0f, 1f));
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p), predicted[r]);
        }
    }

    [Fact]
    public void SameSeedGivesIdenticalWeights()
    {
        var data = PipelineTestData.BlobSet(new HopfieldContext(), classes: 4, perClass: 25, dim: 8, seed: 7);
        var a = new HopfieldContext(seed: 9).Classifiers.SoftmaxRegression(maxIterations: 25).Fit(data);
        var b = new HopfieldContext(seed: 9).Classifiers.SoftmaxRegression(maxIterations: 25).Fit(data);
        Assert.Equal(a.Weights.ToArray(), b.Weights.ToArray());
        Assert.Equal(a.Bias.ToArray(), b.Bias.ToArray());
    }

    [Fact]
    public void StrongerRegularisationShrinksWeights()
    {
        var data = PipelineTestData.BlobSet(new HopfieldContext(), classes: 3, perClass: 30, dim: 5, seed: 8);
        var ctx = new HopfieldContext(seed: 1);
        var weak = ctx.Classifiers.SoftmaxRegression(new SoftmaxRegressionTrainer.Options { L2Regularization = 1e-4f, ValidationFraction = 0, MaxIterations = 50 }).Fit(data);
        var strong = ctx.Classifiers.SoftmaxRegression(new SoftmaxRegressionTrainer.Options { L2Regularization = 1f, ValidationFraction = 0, MaxIterations = 50 }).Fit(data);
        Assert.True(System.Numerics.Tensors.TensorPrimitives.Norm(strong.Weights) < System.Numerics.Tensors.TensorPrimitives.Norm(weak.Weights));
        Assert.Empty(weak.ValidationLoss);
    }

    [Fact]
    public void EarlyStoppingStopsPatienceIterationsAfterTheBestValidationLoss()
    {
        // Pure noise: 80 rows, 40 random features, random labels. Training loss falls, held-out loss soon rises.
        var rng = new Random(6);
        var x = Enumerable.Range(0, 80 * 40).Select(_ => (float)PipelineTestData.Gaussian(rng)).ToArray();
        var y = Enumerable.Range(0, 80).Select(_ => rng.Next(3)).ToArray();
        var ctx = new HopfieldContext(seed: 2);
        var data = ctx.Data.FromArrays("Features", x, 40, "Label", y, 3);
        const int patience = 4;
        var model = ctx.Classifiers.SoftmaxRegression(new SoftmaxRegressionTrainer.Options
        {
            L2Regularization = 0, ValidationFraction = 0.3, EarlyStoppingPatience = patience, MaxIterations = 500, Tolerance = 0,
        }).Fit(data);

        var validation = model.ValidationLoss;
        Assert.Equal(model.TrainingLoss.Count, validation.Count);
        Assert.True(validation.Count < 501, "early stopping never triggered");
        int best = Enumerable.Range(0, validation.Count).MinBy(i => validation[i]);
        Assert.Equal(validation.Count - 1 - patience, best);
        Assert.True(model.TrainingLoss[^1] < model.TrainingLoss[best]);
    }

    [Fact]
    public void InvalidOptionsAndDataAreRejected()
    {
        var ctx = new HopfieldContext(seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Classifiers.SoftmaxRegression(l2Regularization: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Classifiers.SoftmaxRegression(new SoftmaxRegressionTrainer.Options { ValidationFraction = 1 }));
        var bad = ctx.Data.FromArrays("Features", new float[] { 1, float.NaN }, 1, "Label", [0, 1]);
        var ex = Assert.Throws<ArgumentException>(() => ctx.Classifiers.SoftmaxRegression().Fit(bad));
        Assert.Contains("'Features'", ex.Message, StringComparison.Ordinal);
    }
}
