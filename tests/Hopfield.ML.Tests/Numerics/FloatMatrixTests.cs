using Hopfield.ML.Numerics;

namespace Hopfield.ML.Tests.Numerics;

public class FloatMatrixTests
{
    [Fact]
    public void RowMajorIndexingAndRows()
    {
        var m = FloatMatrix.CopyFrom([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(2, m.Rows);
        Assert.Equal(3, m.Columns);
        Assert.Equal(6f, m[1, 2]);
        m[0, 1] = 9;
        Assert.Equal([1f, 9f, 3f], m.Row(0).ToArray());
        Assert.Equal([4f, 5f, 6f], m.Row(1).ToArray());
    }

    [Fact]
    public void WrappingChecksTheLength()
    {
        Assert.Throws<ArgumentException>(() => new FloatMatrix(new float[5], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatMatrix(-1, 3));
    }
}
