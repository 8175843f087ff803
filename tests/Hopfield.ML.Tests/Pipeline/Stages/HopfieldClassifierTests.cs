using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.ML.Tests.Pipeline.Stages;

public sealed class HopfieldClassifierTests
{
    [Fact]
    public void EstimatorCore_SchemaRoundTripAndBadSchema()
    {
        var ctx = new HopfieldContext(seed: 3);
        var train = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 20, dim: 5, seed: 1);
        var test = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 7, dim: 5, seed: 2);
        var trainer = ctx.Classifiers.Hopfield();
        var schema = trainer.GetOutputSchema(train.Schema);
        Assert.Equal(new SchemaColumn("Score", ColumnKind.Vector, 3), schema["Score"]);
        Assert.Equal(new SchemaColumn("PredictedLabel", ColumnKind.Key, 1, 3), schema["PredictedLabel"]);
        StageTestHelpers.CheckEstimatorCore(ctx, trainer, train, test, "Score", "PredictedLabel");
        StageTestHelpers.CheckEstimatorCore(ctx, ctx.Classifiers.Hopfield(source: MemorySource.Prototypes), train, test, "Score", "PredictedLabel");

        StageTestHelpers.RejectsSchema(() => trainer.Fit(train.DropColumns("Label")), "Label");
        StageTestHelpers.RejectsSchema(() => ctx.Classifiers.Hopfield(featureColumnName: "Pixels").GetOutputSchema(train.Schema), "Pixels");
    }

    [Theory]
    [InlineData(MemorySource.TrainingRows)]
    [InlineData(MemorySource.Prototypes)]
    public void ClassifiesBlobsAccurately(MemorySource source)
    {
        var ctx = new HopfieldContext(seed: 5);
        var train = PipelineTestData.BlobSet(ctx, classes: 5, perClass: 60, dim: 8, seed: 1);
        var test = PipelineTestData.BlobSet(ctx, classes: 5, perClass: 40, dim: 8, seed: 2);
        var model = ctx.Classifiers.Hopfield(source: source).Fit(train);
        var scored = model.Transform(test);
        var metrics = ctx.Classifiers.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy > 0.95, $"accuracy {metrics.MicroAccuracy}");
        var scores = scored.GetColumn("Score");
        for (int r = 0; r < test.RowCount; r++)
        {
            Assert.Equal(1f, scores.GetVector(r).ToArray().Sum(), 4);
        }
    }

    [Fact]
    public void ChanceLevelOnShuffledLabels()
    {
        // Sanity: with labels unrelated to the features, accuracy must not look good (the classifier does not peek at labels).
        var ctx = new HopfieldContext(seed: 5);
        var (x, y) = PipelineTestData.Blobs(classes: 4, perClass: 50, dim: 6, seed: 1);
        new Random(3).Shuffle(y);
        var train = ctx.Data.FromArrays("Features", x, 6, "Label", y, 4);
        var test = PipelineTestData.BlobSet(ctx, classes: 4, perClass: 50, dim: 6, seed: 2);
        var metrics = ctx.Classifiers.Evaluate(ctx.Classifiers.Hopfield().Fit(train).Transform(test));
        Assert.True(metrics.MicroAccuracy < 0.5, $"accuracy {metrics.MicroAccuracy}");
    }
}
