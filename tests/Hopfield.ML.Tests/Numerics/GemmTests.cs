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

    [Theory]
    [InlineData(1, 1, 128)]
    [InlineData(5, 17, 4)]
    [InlineData(131, 33, 128)]
    [InlineData(130, 65, 16)]
    [InlineData(257, 784, 128)]
    [InlineData(40, 512, 128)]
    public void SlicedTilesHoldEveryElementWhereSlicedOffsetSays(int rows, int cols, int tile)
    {
        float[] b = TestData.Gaussian(rows + cols, rows * cols);
        var sliced = new float[b.Length];
        Gemm.SliceTiles(b, rows, cols, tile, sliced);
        for (int r = 0; r < rows; r++)
        {
            int t0 = r - (r % tile), kc = Math.Min(tile, rows - t0);
            for (int c = 0; c < cols; c++)
            {
                Assert.Equal(b[(r * cols) + c], sliced[(t0 * cols) + Gemm.SlicedOffset(r - t0, c, kc, cols)]);
            }
        }

        Assert.Equal(b.OrderBy(v => v), sliced.OrderBy(v => v)); // a permutation: nothing lost, nothing repeated
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 17)]
    [InlineData(13, 128, 33)]
    [InlineData(126, 128, 784)]
    [InlineData(65, 63, 65)]
    [InlineData(6, 16, 512)]
    public void SlicedProjectionIsBitIdenticalToRowMajorAtEveryLevel(int m, int p, int n)
    {
        float[] a = TestData.Gaussian(m + p, m * p), b = TestData.Gaussian(p + n, p * n), c0 = TestData.Gaussian(m + n, m * n);
        var sliced = new float[b.Length];
        Gemm.SliceTiles(b, p, n, p, sliced);
        var expected = new float[m * n];
        ReferenceKernels.Multiply(a, m, p, b, n, expected);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += c0[i];
        }

        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            float[] rowMajor = (float[])c0.Clone(), bySlice = (float[])c0.Clone();
            unsafe
            {
                fixed (float* pa = a, pb = b, ps = sliced, pr = rowMajor, pq = bySlice)
                {
                    Gemm.MultiplyAdd(level, pa, p, m, p, pb, n, n, pr, n);
                    Gemm.MultiplyAddSliced(level, pa, p, m, p, ps, n, pq, n);
                }
            }

            TestData.AssertClose(expected, bySlice, 2e-5f * MathF.Sqrt(p), $"{level} {m}x{p}x{n}");
            Assert.Equal(rowMajor, bySlice);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 47)]
    [InlineData(3, 33)]
    [InlineData(5, 64)]
    [InlineData(128, 784)]
    public void SlicedAxpyAddsOneRow(int kc, int n)
    {
        float[] b = TestData.Gaussian(kc * 3 + n, kc * n);
        var sliced = new float[b.Length];
        Gemm.SliceTiles(b, kc, n, kc, sliced);
        int t = kc / 2;
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            float[] y = TestData.Gaussian(n, n), expected = (float[])y.Clone();
            for (int i = 0; i < n; i++)
            {
                expected[i] = MathF.FusedMultiplyAdd(0.75f, b[(t * n) + i], expected[i]);
            }

            unsafe
            {
                fixed (float* ps = sliced, py = y)
                {
                    Gemm.AxpySliced(level, 0.75f, ps, t, kc, n, py);
                }
            }

            Assert.Equal(expected, y);
        }
    }

    [Fact]
    public void TooShortBuffersThrow()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(SimdLevel.Scalar, new float[5], 2, 3, new float[6], 2, new float[4]));
    }
}
