using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

public class SchemaTests
{
    private static readonly DataSchema ImageSchema = new([
        new SchemaColumn("Image", ColumnKind.Vector, 784),
        new SchemaColumn("Label", ColumnKind.Key, 1, 10),
    ]);

    [Fact]
    public void ChainPropagatesSchemaWithoutData()
    {
        var ctx = new HopfieldContext(seed: 1);
        var pipeline = ctx.Transforms.ScalePixels("Features", "Image")
            .Append(ctx.Transforms.NormalizeMeanVariance("Features"))
            .Append(ctx.Classifiers.SoftmaxRegression());

        var output = pipeline.GetOutputSchema(ImageSchema);

        Assert.Equal(["Image", "Label", "Features", "Score", "PredictedLabel"], output.Names);
        Assert.Equal(new SchemaColumn("Features", ColumnKind.Vector, 784), output["Features"]);
        Assert.Equal(new SchemaColumn("Score", ColumnKind.Vector, 10), output["Score"]);
        Assert.Equal(new SchemaColumn("PredictedLabel", ColumnKind.Key, 1, 10), output["PredictedLabel"]);
    }

    [Fact]
    public void MissingColumnIsNamedWithAvailableColumns()
    {
        var ctx = new HopfieldContext(seed: 1);
        var trainer = ctx.Classifiers.SoftmaxRegression();
        var ex = Assert.Throws<SchemaMismatchException>(() => trainer.GetOutputSchema(ImageSchema));
        Assert.Equal("Column 'Features' not found; available: Image, Label.", ex.Message);
        Assert.Equal("Features", ex.ColumnName);
    }

    [Fact]
    public void FitRejectsMissingColumnBeforeTrainingAnyStage()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.FromArrays("Image", new float[12], 3, "Label", [0, 1, 0, 1]);
        var pipeline = ctx.Transforms.NormalizeMinMax("Features", "Image")
            .Append(ctx.Classifiers.SoftmaxRegression(featureColumnName: "Pixels"));
        var ex = Assert.Throws<SchemaMismatchException>(() => pipeline.Fit(data));
        Assert.Equal("Pixels", ex.ColumnName);
        Assert.Contains("available: Image, Label, Features", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongVectorSizeIsNamed()
    {
        var ctx = new HopfieldContext(seed: 1);
        var fitted = ctx.Transforms.NormalizeMinMax("Features").Fit(ctx.Data.FromArrays("Features", new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 4));
        var wrong = ctx.Data.FromArrays("Features", new float[] { 1, 2, 3 }, 3);
        var ex = Assert.Throws<SchemaMismatchException>(() => fitted.Transform(wrong));
        Assert.Equal("Column 'Features' has vector size 3, expected 4.", ex.Message);
        Assert.Throws<SchemaMismatchException>(() => fitted.GetOutputSchema(wrong.Schema));
    }

    [Fact]
    public void WrongKindIsNamedWithHint()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = new DataSet(DataColumn.Vector("Features", new float[] { 1, 2 }, 1), DataColumn.Text("Label", new[] { "a", "b" }));
        var ex = Assert.Throws<SchemaMismatchException>(() => ctx.Classifiers.SoftmaxRegression().Fit(data));
        Assert.Contains("Column 'Label' is String, expected Key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MapValueToKey", ex.Message, StringComparison.Ordinal);

        var textAsFeatures = new DataSet(DataColumn.Text("Features", new[] { "x" }));
        var ex2 = Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.NormalizeMinMax("Features").Fit(textAsFeatures));
        Assert.Contains("Column 'Features' is String", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SchemaRejectsDuplicateNamesAndBadSizes()
    {
        Assert.Throws<ArgumentException>(() => new DataSchema([new SchemaColumn("A", ColumnKind.Scalar), new SchemaColumn("A", ColumnKind.Key)]));
        Assert.Throws<ArgumentException>(() => new DataSchema([new SchemaColumn("A", ColumnKind.Scalar, 3)]));
        Assert.Throws<ArgumentException>(() => new DataSet(DataColumn.Scalar("A", new float[2]), DataColumn.Scalar("B", new float[3])));
    }

    [Fact]
    public void ReplacingAColumnKeepsItsPosition()
    {
        var s = ImageSchema.With(new SchemaColumn("Image", ColumnKind.Vector, 10));
        Assert.Equal(["Image", "Label"], s.Names);
        Assert.Equal(10, s["Image"].VectorSize);
        Assert.Equal("Image: Vector<Single, 10>, Label: Key<10>", s.ToString());
    }
}
