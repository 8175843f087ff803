using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public class GemmTests
{
    private static readonly int[] OddSizes = [1, 3, 17, 63, 65, 129];

    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int m in OddSizes)
        {
            foreach (int n in OddSizes)
            {
                data.Add(m, n, OddSizes[(m + n) % OddSizes.Length]);
            }
        }

        data.Add(4, 32, 784);
        data.Add(5, 33, 2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyTransposedMatchesReferenceAtEveryLevel(int m, int n, int k)
    {
        float[] a = TestData.Gaussian(m * 7 + k, m * k), b = TestData.Gaussian(n * 11 + k, n * k);
        var expected = new float[m * n];
        ReferenceKernels.MultiplyTransposed(a, m, k, b, n, expected);
        float[]? scalar = null;
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var c = new float[m * n];
            Gemm.MultiplyTransposed(level, a, m, k, b, n, c);
            TestData.AssertClose(expected, c, 2e-5f * MathF.Sqrt(k), $"{level} {m}x{n}x{k}");
            scalar ??= c;

            // By construction every element is the same sequential FMA chain: bit-identical to scalar.
            Assert.Equal(scalar, c);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyMatchesReferenceAtEveryLevel(int m, int n, int k)
    {
        float[] a = TestData.Gaussian(m * 3 + k, m * k), b = TestData.Gaussian(n * 5 + k, k * n);
        var expected = new float[m * n];
        ReferenceKernels.Multiply(a, m, k, b, n, expected);
        float[]? scalar = null;
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var c = new float[m * n];
            Gemm.Multiply(level, a, m, k, b, n, c);
            TestData.AssertClose(expected, c, 2e-5f * MathF.Sqrt(k), $"{level} {m}x{n}x{k}");
            scalar ??= c;
            Assert.Equal(scalar, c);
        }
    }

    [Fact]
    public void PackLaysOutPanelsTransposedWithZeroPadding()
    {
        // 17 rows × 2 columns: row r = (r, 100 + r).
        var b = new float[17 * 2];
        for (int r = 0; r < 17; r++)
        {
            b[2 * r] = r;
            b[(2 * r) + 1] = 100 + r;
        }

        float[] packed = Gemm.Pack(b, 17, 2);
        Assert.Equal(2 * 2 * 16, packed.Length);
        Assert.Equal(5f, packed[5]);            // panel 0, column 0, row 5
        Assert.Equal(105f, packed[16 + 5]);     // panel 0, column 1, row 5
        Assert.Equal(16f, packed[32]);          // panel 1, column 0, row 16
        Assert.Equal(0f, packed[33]);           // padding
    }

    [Fact]
    public void TooShortBuffersThrow()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(SimdLevel.Scalar, new float[5], 2, 3, new float[6], 2, new float[4]));
    }
}
