using Hopfield.ML.Classification;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Classification;

public class MetricsTests
{
    // labels:    0 0 1 1 2 2
    // predicted: 0 1 1 1 2 0
    private static readonly int[] Labels = [0, 0, 1, 1, 2, 2];
    private static readonly int[] Predicted = [0, 1, 1, 1, 2, 0];

    private static readonly float[] Probabilities =
    [
        0.7f, 0.2f, 0.1f,
        0.4f, 0.5f, 0.1f,
        0.1f, 0.8f, 0.1f,
        0.2f, 0.6f, 0.2f,
        0.1f, 0.1f, 0.8f,
        0.5f, 0.25f, 0.25f,
    ];

    [Fact]
    public void MetricsEqualHandComputedValues()
    {
        var m = MulticlassClassificationMetrics.Compute(Labels, Predicted, Probabilities, 3);

        Assert.Equal(4.0 / 6, m.MicroAccuracy, 12);
        // recall: 1/2, 2/2, 1/2
        Assert.Equal((0.5 + 1 + 0.5) / 3, m.MacroAccuracy, 12);
        // precision: 1/2, 2/3, 1/1 ; F1: 0.5, 0.8, 2/3
        Assert.Equal(new[] { 0.5, 2.0 / 3, 1.0 }, m.ConfusionMatrix.PerClassPrecision);
        Assert.Equal(0.8, m.PerClassF1[1], 12);
        Assert.Equal((0.5 + 0.8 + (2.0 / 3)) / 3, m.MacroF1, 12);
        double ll = -(Math.Log(0.7f) + Math.Log(0.4f) + Math.Log(0.8f) + Math.Log(0.6f) + Math.Log(0.8f) + Math.Log(0.25f)) / 6;
        Assert.Equal(ll, m.LogLoss, 6);
        Assert.Equal(1 - (ll / Math.Log(3)), m.LogLossReduction, 6);
        Assert.Equal(1, m.ConfusionMatrix[0, 0]);
        Assert.Equal(1, m.ConfusionMatrix[0, 1]);
        Assert.Equal(2, m.ConfusionMatrix[1, 1]);
        Assert.Equal(1, m.ConfusionMatrix[2, 0]);
        Assert.Equal(0, m.ConfusionMatrix[1, 0]);
    }

    [Fact]
    public void ConfusionTableIsReadable()
    {
        var m = MulticlassClassificationMetrics.Compute(Labels, Predicted, default, 3);
        string table = m.ConfusionMatrix.ToTable(["cat", "dog", "bird"]);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Confusion table (3 classes", lines[0], StringComparison.Ordinal);
        Assert.Contains("cat", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^cat\s+\|\s+1\s+1\s+0 \| 0\.5000", lines[3]);
        Assert.Matches(@"^dog\s+\|\s+0\s+2\s+0 \| 1\.0000", lines[4]);
        Assert.Matches(@"^Precision\s+\|\s+0\.500\s+0\.667\s+1\.000", lines[^1]);
        Assert.True(double.IsNaN(m.LogLoss));
        Assert.Contains("Accuracy: 0.6667", m.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateReadsColumnsOrFallsBackToArgMax()
    {
        var ctx = new HopfieldContext(seed: 1);
        var scored = new DataSet(
            DataColumn.Key("Label", Labels, 3),
            DataColumn.Vector("Score", Probabilities, 3),
            DataColumn.Key("PredictedLabel", Predicted, 3));
        var fromColumns = ctx.Classifiers.Evaluate(scored);
        var expected = MulticlassClassificationMetrics.Compute(Labels, Predicted, Probabilities, 3);
        Assert.Equal(expected.MacroF1, fromColumns.MacroF1);
        Assert.Equal(expected.LogLoss, fromColumns.LogLoss);

        var scoreOnly = scored.DropColumns("PredictedLabel");
        Assert.Equal(expected.MicroAccuracy, ctx.Classifiers.Evaluate(scoreOnly).MicroAccuracy);

        var predictedOnly = scored.DropColumns("Score");
        Assert.True(double.IsNaN(ctx.Classifiers.Evaluate(predictedOnly).LogLoss));

        var ex = Assert.Throws<SchemaMismatchException>(() => ctx.Classifiers.Evaluate(scored.SelectColumns("Label")));
        Assert.Contains("'PredictedLabel'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeRejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => MulticlassClassificationMetrics.Compute([0, 1], [0], default, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassClassificationMetrics.Compute([0, 2], [0, 1], default, 2));
        Assert.Throws<ArgumentException>(() => MulticlassClassificationMetrics.Compute([0, 1], [0, 1], new float[3], 2));
        Assert.Throws<ArgumentException>(() => MulticlassClassificationMetrics.Compute([], [], default, 2));
    }
}
