using Hopfield.ML.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Common;

public class MemoryValidationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(1001)]
    public void MaxAbsIsTheLargestMagnitudeAtEveryLength(int n)
    {
        float[] data = TestData.Gaussian(n + 1, n, 3f);
        if (n > 2)
        {
            data[n / 2] = -50f; // the largest, negative, in the vector part or the tail
        }

        float expected = n == 0 ? 0 : data.Max(Math.Abs);
        Assert.Equal(expected, MemoryValidation.CheckFiniteMaxAbs(data, 1, "data", "row"));
    }

    [Theory]
    [InlineData(37, 0, float.NaN, "NaN")]
    [InlineData(37, 36, float.PositiveInfinity, "+infinity")]
    [InlineData(40, 17, float.NegativeInfinity, "-infinity")]
    [InlineData(5, 4, float.NaN, "NaN")]
    public void NonFiniteValuesAreNamedWhereverTheyAre(int n, int at, float bad, string named)
    {
        float[] data = TestData.Gaussian(n, n);
        data[at] = bad;
        var e = Assert.Throws<ArgumentException>(() => MemoryValidation.CheckFiniteMaxAbs(data, 4, "data", "row"));
        Assert.Contains($"Row {at / 4} contains {named} at element {at % 4}", e.Message, StringComparison.Ordinal);
    }
}
