using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public unsafe class Int8GemmTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 784)]
    [InlineData(5, 3)]
    [InlineData(6, 4)]
    [InlineData(8, 33)]
    [InlineData(7, 37)]
    [InlineData(13, 130)]
    [InlineData(19, 784)]
    public void VnniKernelEqualsScalarReference(int rows, int dim)
    {
        var random = new Random((rows * 1000) + dim);
        int groups = Int8Gemm.GroupCount(dim), pd = Int8Gemm.PaddedDimension(dim);
        var u = new byte[rows * pd];
        random.NextBytes(u);
        u[0] = 255; // the extremes: 255 × −127 and 255 × 127
        var codes = new sbyte[Int8Gemm.TileKeys * dim];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = (sbyte)random.Next(-127, 128);
        }

        codes[0] = -127;
        var packed = new sbyte[Int8Gemm.PackedLength(Int8Gemm.TileKeys, dim)];
        Int8Gemm.PackKeys(codes, Int8Gemm.TileKeys, dim, packed);
        int ldc = Int8Gemm.TileKeys + 3;
        int[] expected = new int[rows * ldc], actual = new int[rows * ldc];
        fixed (byte* pu = u)
        fixed (sbyte* pk = packed)
        fixed (int* pe = expected, pa = actual)
        {
            Int8Gemm.ScoresReference(pu, pd, rows, pk, groups, pe, ldc);
            Int8Gemm.Scores(vnni: true, pu, pd, rows, pk, groups, pa, ldc);
        }

        // The reference against a plain triple loop over the unpacked codes (padding bytes of u are ignored: zero keys).
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < Int8Gemm.TileKeys; j++)
            {
                int sum = 0;
                for (int d = 0; d < dim; d++)
                {
                    sum += u[(r * pd) + d] * codes[(j * dim) + d];
                }

                Assert.Equal(sum, expected[(r * ldc) + j]);
            }
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void QuantizeBoundsTheResidualAndUsesSymmetricCodes()
    {
        foreach (float scale in new[] { 1e-6f, 1f, 3e4f })
        {
            float[] x = TestData.Gaussian(5, 301, scale);
            var codes = new sbyte[x.Length];
            float s = Int8Gemm.Quantize(x, codes, out float residual);
            double squares = 0;
            Assert.True(s > 0);
            Assert.Contains(codes, c => Math.Abs((int)c) == Int8Gemm.MaxCode);
            for (int d = 0; d < x.Length; d++)
            {
                Assert.InRange((int)codes[d], -Int8Gemm.MaxCode, Int8Gemm.MaxCode);
                Assert.True(Math.Abs(x[d] - ((double)s * codes[d])) <= s * 0.5 * 1.0001, $"element {d} at scale {scale}");
                squares += Math.Pow(x[d] - ((double)s * codes[d]), 2);
            }

            Assert.True(Math.Sqrt(squares) <= residual, $"residual norm {Math.Sqrt(squares)} above the bound {residual}");
            Assert.True(residual <= Math.Sqrt(squares) * 1.0001, $"bound {residual} not tight");
        }

        var zero = new sbyte[4];
        Assert.Equal(0f, Int8Gemm.Quantize(new float[4], zero, out float e0));
        Assert.Equal(0f, e0);
        Assert.All(zero, c => Assert.Equal(0, c));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(784)]
    [InlineData(1001)]
    public void VectorQuantizeGivesTheReferenceCodesAndABound(int n)
    {
        float[] x = TestData.Gaussian(n, n, 3f);
        x[n / 2] = 0.5f * (3f * 127f / 127f); // a value on a rounding boundary is fine either way as long as both agree
        var expected = new sbyte[n];
        float scale = Int8Gemm.QuantizeReference(x, expected, out float reference);
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var codes = new sbyte[n];
            Assert.Equal(scale, Int8Gemm.Quantize(level, x, codes, out float residual));
            Assert.Equal(expected, codes);
            Assert.True(residual >= reference * 0.99999f && residual <= reference * 1.001f, $"{level}: {residual} vs reference {reference}");

            double squares = 0;
            for (int d = 0; d < n; d++)
            {
                squares += Math.Pow(x[d] - ((double)scale * codes[d]), 2);
            }

            Assert.True(Math.Sqrt(squares) <= residual, $"{level}: residual norm {Math.Sqrt(squares)} above the bound {residual}");
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(79)]
    [InlineData(784)]
    public void VectorQuantizeFindsTheLargestMagnitudeWhereverItIs(int n)
    {
        // The 512-bit quantiser takes max|x| over whole vectors, four accumulators and one last vector ending at n.
        foreach (int at in new[] { 0, 1, n / 2, n - 17, n - 16, n - 2, n - 1 })
        {
            if (at < 0)
            {
                continue;
            }

            foreach (float big in new[] { 9.5f, -9.5f })
            {
                float[] x = TestData.Gaussian(n + at, n);
                x[at] = big;
                var expected = new sbyte[n];
                float scale = Int8Gemm.QuantizeReference(x, expected, out _);
                Assert.Equal(9.5f / Int8Gemm.MaxCode, scale);
                foreach (SimdLevel level in SimdCapabilities.Supported)
                {
                    var codes = new sbyte[n];
                    Assert.Equal(scale, Int8Gemm.Quantize(level, x, codes, out _));
                    Assert.Equal(expected, codes);
                }
            }
        }
    }
}
