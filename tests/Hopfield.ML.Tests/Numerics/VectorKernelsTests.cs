using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public class VectorKernelsTests
{
    public static TheoryData<int> Sizes => new() { 1, 3, 4, 7, 15, 16, 17, 31, 33, 63, 65, 129, 784, 1001 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AllLevelsMatchScalarReference(int n)
    {
        float[] x = TestData.Gaussian(n, n), y = TestData.Gaussian(n + 1000, n);
        double scale = x.Zip(y, (a, b) => Math.Abs(a) + Math.Abs(b)).Sum();
        float dot = ReferenceKernels.Dot(x, y), l2 = ReferenceKernels.SquaredEuclidean(x, y), l1 = ReferenceKernels.Manhattan(x, y);
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            float tol = (float)(1e-6 * scale * scale) + 1e-6f;
            Assert.True(Math.Abs(dot - VectorKernels.Dot(level, x, y)) <= tol, $"dot {level} n={n}");
            Assert.True(Math.Abs(l2 - VectorKernels.SquaredEuclidean(level, x, y)) <= tol, $"l2 {level} n={n}");
            Assert.True(Math.Abs(l1 - VectorKernels.Manhattan(level, x, y)) <= 1e-6 * scale + 1e-6, $"l1 {level} n={n}");
        }
    }

    [Fact]
    public void KnownValues()
    {
        float[] x = [1, 2, 3], y = [4, -6, 8];
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            Assert.Equal(4 - 12 + 24, VectorKernels.Dot(level, x, y));
            Assert.Equal(9 + 64 + 25, VectorKernels.SquaredEuclidean(level, x, y));
            Assert.Equal(3 + 8 + 5, VectorKernels.Manhattan(level, x, y));
        }
    }

    [Fact]
    public void EmptyVectorsGiveZeroAndMismatchThrows()
    {
        Assert.Equal(0f, VectorKernels.Dot([], []));
        Assert.Throws<ArgumentException>(() => VectorKernels.Dot(new float[3], new float[4]));
    }

    [Fact]
    public void NormalizeGivesUnitNormAndKeepsZero()
    {
        float[] x = TestData.Gaussian(5, 37);
        var n = new float[37];
        VectorKernels.NormalizeL2(x, n);
        Assert.Equal(1.0, Math.Sqrt(n.Sum(v => (double)v * v)), 5);
        var z = new float[5];
        VectorKernels.NormalizeL2(new float[5], z);
        Assert.All(z, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(37)]
    [InlineData(784)]
    public void NormalizeEqualsTheScalarDefinitionInPlaceOrNot(int length)
    {
        float[] x = TestData.Gaussian(length, length, 3f);
        double sum = 0;
        foreach (float v in x)
        {
            sum += (double)v * v;
        }

        float inv = (float)(1.0 / Math.Sqrt(sum));
        float[] expected = x.Select(v => v * inv).ToArray();
        var y = new float[length + 3];
        VectorKernels.NormalizeL2(x, y);
        Assert.Equal(expected, y[..length]);
        Assert.All(y[length..], v => Assert.Equal(0f, v));
        VectorKernels.NormalizeL2(x, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void BestLevelIsSupported()
    {
        Assert.True(SimdCapabilities.IsSupported(SimdCapabilities.Best));
        Assert.Contains(SimdLevel.Scalar, SimdCapabilities.Supported);
    }
}
