using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

public class TransformTests
{
    private static readonly HopfieldContext Ctx = new(seed: 1);

    private static DataSet Matrix() => Ctx.Data.FromArrays("X", new float[] { -2, 0, 5, 2, 4, 5, 0, 8, 5 }, 3);

    [Fact]
    public void NormalizeMinMaxFixZeroScalesByMaxAbs()
    {
        var t = Ctx.Transforms.NormalizeMinMax("Y", "X").Fit(Matrix());
        var y = t.Transform(Matrix()).GetColumn("Y").GetFloats().ToArray();
        Assert.Equal(new float[] { -1, 0, 1, 1, 0.5f, 1, 0, 1, 1 }, y);
        Assert.Equal(3, t.InputSize);
    }

    [Fact]
    public void NormalizeMinMaxWithoutFixZeroMapsRangeToUnitAndConstantToZero()
    {
        var t = Ctx.Transforms.NormalizeMinMax("X", fixZero: false).Fit(Matrix());
        var y = t.Transform(Matrix()).GetColumn("X").GetFloats().ToArray();
        Assert.Equal(new float[] { 0, 0, 0, 1, 0.5f, 0, 0.5f, 1, 0 }, y);
    }

    [Fact]
    public void NormalizeMeanVarianceGivesZeroMeanUnitVariance()
    {
        var t = Ctx.Transforms.NormalizeMeanVariance("X", fixZero: false).Fit(Matrix());
        var col = t.Transform(Matrix()).GetColumn("X");
        for (int j = 0; j < 2; j++)
        {
            var v = Enumerable.Range(0, 3).Select(r => (double)col.GetVector(r)[j]).ToArray();
            Assert.Equal(0, v.Average(), 5);
            Assert.Equal(1, v.Select(e => e * e).Average(), 5);
        }

        Assert.Equal(0f, col.GetVector(1)[2]);
    }

    [Fact]
    public void ScalePixelsAppliesOffsetThenScale()
    {
        var t = Ctx.Transforms.ScalePixels("Y", "X").Fit(Matrix());
        Assert.Equal(255f / 255f, t.Transform(Ctx.Data.FromArrays("X", new float[] { 255 }, 1)).GetColumn("Y").GetFloats()[0]);
        var t2 = new ScalePixelsTransformer("Y", "X", scale: 2f, offset: 1f);
        Assert.Equal(new float[] { -6, -2, 8, 2, 6, 8, -2, 14, 8 }, t2.Transform(Matrix()).GetColumn("Y").GetFloats().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalePixelsTransformer("Y", scale: float.NaN));
    }

    [Fact]
    public void ConcatenateJoinsScalarsAndVectorsInOrder()
    {
        var data = new DataSet(
            DataColumn.Vector("A", new float[] { 1, 2, 3, 4 }, 2),
            DataColumn.Scalar("B", new float[] { 9, 8 }),
            DataColumn.Key("Label", new[] { 0, 1 }));
        var est = Ctx.Transforms.Concatenate("Features", "B", "A");
        Assert.Equal(3, est.GetOutputSchema(data.Schema)["Features"].VectorSize);
        var y = est.Fit(data).Transform(data).GetColumn("Features").GetFloats().ToArray();
        Assert.Equal(new float[] { 9, 1, 2, 8, 3, 4 }, y);
        var ex = Assert.Throws<SchemaMismatchException>(() => est.GetOutputSchema(new DataSchema([new SchemaColumn("A", ColumnKind.Vector, 2)])));
        Assert.Equal("B", ex.ColumnName);
        Assert.Throws<SchemaMismatchException>(() => Ctx.Transforms.Concatenate("F", "Label").GetOutputSchema(data.Schema));
    }

    [Fact]
    public void CopyColumnsAndMapValueToKey()
    {
        var data = new DataSet(DataColumn.Text("Name", new[] { "cat", "dog", "cat", "bird" }));
        var pipeline = Ctx.Transforms.MapValueToKey("Label", "Name").Append(Ctx.Transforms.CopyColumns("Label2", "Label"));
        var model = pipeline.Fit(data);
        var output = model.Transform(data);
        Assert.Equal(new[] { 0, 1, 0, 2 }, output.GetColumn("Label").GetKeys().ToArray());
        Assert.Equal(new SchemaColumn("Label2", ColumnKind.Key, 1, 3), output.Schema["Label2"]);
        Assert.Equal(["cat", "dog", "bird"], ((ValueToKeyMappingTransformer)model.First()).KeyValues);

        var unseen = new DataSet(DataColumn.Text("Name", new[] { "cat", "fish" }));
        var ex = Assert.Throws<ArgumentException>(() => model.Transform(unseen));
        Assert.Contains("row 1: value 'fish'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FitOnEmptyDataIsRejected()
    {
        var empty = Matrix().Take(0);
        var ex = Assert.Throws<ArgumentException>(() => Ctx.Transforms.NormalizeMinMax("X").Fit(empty));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformLeavesInputUnchanged()
    {
        var data = Matrix();
        var before = data.GetColumn("X").GetFloats().ToArray();
        Ctx.Transforms.NormalizeMinMax("X").Fit(data).Transform(data);
        Assert.Equal(before, data.GetColumn("X").GetFloats().ToArray());
    }
}
