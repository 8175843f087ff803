using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public class TopKTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(17, 5)]
    [InlineData(63, 63)]
    [InlineData(65, 10)]
    [InlineData(1000, 7)]
    public void SelectMatchesStableSort(int n, int k)
    {
        float[] s = TestData.Gaussian(n + k, n);
        Assert.Equal(ReferenceKernels.TopK(s, k), TopKSelector.Select(s, k));
    }

    [Fact]
    public void TiesGoToLowerIndex()
    {
        float[] s = [1, 5, 3, 5, 5, 2];
        Assert.Equal([1, 3, 4], TopKSelector.Select(s, 3));
        Assert.Equal([1, 3], TopKSelector.Select(s, 2));
        Assert.Equal(1, TopKSelector.ArgMax(s));

        // Quantised scores: many ties.
        float[] q = TestData.Uniform(3, 500).Select(v => MathF.Round(v * 4)).ToArray();
        Assert.Equal(ReferenceKernels.TopK(q, 37), TopKSelector.Select(q, 37));
    }

    [Fact]
    public void StreamingOffersInPiecesEqualOneShot()
    {
        float[] s = TestData.Gaussian(9, 777);
        var sel = new TopKSelector(12);
        for (int start = 0; start < s.Length; start += 100)
        {
            sel.OfferRange(s.AsSpan(start, Math.Min(100, s.Length - start)), start);
        }

        var scores = new float[12];
        var idx = new int[12];
        Assert.Equal(12, sel.CopySorted(scores, idx));
        Assert.Equal(ReferenceKernels.TopK(s, 12), idx);
    }
}
