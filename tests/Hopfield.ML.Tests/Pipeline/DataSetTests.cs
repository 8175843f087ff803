using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

public class DataSetTests
{
    public sealed class Row
    {
        [VectorSize(3)]
        public float[] Features { get; set; } = [];

        public float Weight { get; set; }

        public int Label { get; set; }

        [ColumnName("Path")]
        public string File { get; set; } = string.Empty;

        [KeyCount(7)]
        public uint Group { get; set; }

        [NoColumn]
        public DateTime Ignored { get; set; }
    }

    public sealed class Partial
    {
        public int Label { get; set; }

        public string Path { get; set; } = string.Empty;
    }

    private static Row[] Rows() =>
    [
        new() { Features = [1, 2, 3], Weight = 0.5f, Label = 2, File = "a.png", Group = 6 },
        new() { Features = [4, 5, 6], Weight = -1f, Label = 0, File = "b.png", Group = 1 },
        new() { Features = [7, 8, 9.5f], Weight = 3f, Label = 1, File = "c.png", Group = 0 },
    ];

    [Fact]
    public void LoadFromEnumerableBuildsColumnsAndCreateEnumerableRoundTrips()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.LoadFromEnumerable(Rows());

        Assert.Equal(3, data.RowCount);
        Assert.Equal(new SchemaColumn("Features", ColumnKind.Vector, 3), data.Schema["Features"]);
        Assert.Equal(ColumnKind.Scalar, data.Schema["Weight"].Kind);
        Assert.Equal(new SchemaColumn("Label", ColumnKind.Key, 1, 3), data.Schema["Label"]);
        Assert.Equal(ColumnKind.Text, data.Schema["Path"].Kind);
        Assert.Equal(7, data.Schema["Group"].KeyCount);
        Assert.False(data.Schema.TryGetColumn("Ignored", out _));
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9.5f }, data.GetColumn("Features").GetFloats().ToArray());

        var back = ctx.Data.CreateEnumerable<Row>(data).ToArray();
        var original = Rows();
        Assert.Equal(original.Length, back.Length);
        for (int i = 0; i < back.Length; i++)
        {
            Assert.Equal(original[i].Features, back[i].Features);
            Assert.Equal(original[i].Weight, back[i].Weight);
            Assert.Equal(original[i].Label, back[i].Label);
            Assert.Equal(original[i].File, back[i].File);
            Assert.Equal(original[i].Group, back[i].Group);
        }

        var partial = ctx.Data.CreateEnumerable<Partial>(data).ToArray();
        Assert.Equal(["a.png", "b.png", "c.png"], partial.Select(p => p.Path));
    }

    [Fact]
    public void LoadFromEnumerableNamesTheBadRow()
    {
        var ctx = new HopfieldContext(seed: 1);
        var rows = Rows();
        rows[1].Features = [1, 2];
        var ex = Assert.Throws<ArgumentException>(() => ctx.Data.LoadFromEnumerable(rows));
        Assert.Contains("Row 1: column 'Features' has vector size 2, expected 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateEnumerableRejectsMissingColumn()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.FromArrays("Features", new float[] { 1, 2 }, 1);
        var ex = Assert.Throws<SchemaMismatchException>(() => ctx.Data.CreateEnumerable<Partial>(data).ToArray());
        Assert.Equal("Label", ex.ColumnName);
    }

    [Fact]
    public void FromArraysChecksLengths()
    {
        var ctx = new HopfieldContext(seed: 1);
        Assert.Throws<ArgumentException>(() => ctx.Data.FromArrays("Features", new float[7], 2, "Label", new int[3]));
        var ex = Assert.Throws<ArgumentException>(() => ctx.Data.FromArrays("Features", new float[6], 2, "Label", new int[2]));
        Assert.Contains("2 labels for 3 feature rows", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Data.FromArrays("Features", new float[4], 2, "Label", [0, 5], classCount: 3));
    }

    [Fact]
    public void TrainTestSplitIsSeededDisjointAndComplete()
    {
        var ctx = new HopfieldContext(seed: 1);
        var ids = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        var data = ctx.Data.FromArrays("Id", ids, 1, "Label", Enumerable.Range(0, 100).Select(i => i % 4).ToArray());
        var a = ctx.Data.TrainTestSplit(data, 0.2, seed: 7);
        var b = ctx.Data.TrainTestSplit(data, 0.2, seed: 7);
        var c = ctx.Data.TrainTestSplit(data, 0.2, seed: 8);

        Assert.Equal(80, a.TrainSet.RowCount);
        Assert.Equal(20, a.TestSet.RowCount);
        var train = a.TrainSet.GetColumn("Id").GetFloats().ToArray();
        var test = a.TestSet.GetColumn("Id").GetFloats().ToArray();
        Assert.Empty(train.Intersect(test));
        Assert.Equal(ids, train.Concat(test).Order());
        Assert.Equal(test, b.TestSet.GetColumn("Id").GetFloats().ToArray());
        Assert.NotEqual(test, c.TestSet.GetColumn("Id").GetFloats().ToArray());
        Assert.Equal(test.Select(t => (int)t % 4), a.TestSet.GetColumn("Label").GetKeys().ToArray());
    }

    [Fact]
    public void TakeSkipShuffle()
    {
        var ctx = new HopfieldContext(seed: 3);
        var data = ctx.Data.FromArrays("V", new float[] { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4 }, 2);
        Assert.Equal(new float[] { 0, 0, 1, 1 }, ctx.Data.TakeRows(data, 2).GetColumn("V").GetFloats().ToArray());
        Assert.Equal(new float[] { 3, 3, 4, 4 }, ctx.Data.SkipRows(data, 3).GetColumn("V").GetFloats().ToArray());
        Assert.Equal(5, data.Take(50).RowCount);
        Assert.Equal(0, data.Skip(50).RowCount);

        var shuffled = data.Shuffle(11).GetColumn("V");
        Assert.Equal(data.Shuffle(11).GetColumn("V").GetFloats().ToArray(), shuffled.GetFloats().ToArray());
        var rows = Enumerable.Range(0, 5).Select(r => shuffled.GetVector(r).ToArray()).ToArray();
        Assert.All(rows, r => Assert.Equal(r[0], r[1]));
        Assert.Equal(new float[] { 0, 1, 2, 3, 4 }, rows.Select(r => r[0]).Order());
    }
}
