using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public unsafe class RowKernelsTests
{
    public static TheoryData<int> Sizes => new() { 1, 3, 4, 15, 16, 17, 63, 65, 128, 129 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MaxMatchesScalarAtEveryLevel(int n)
    {
        float[] x = TestData.Gaussian(n, n);
        x[n / 2] = 7.5f;
        fixed (float* p = x)
        {
            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                Assert.Equal(7.5f, RowKernels.Max(level, p, n));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ExpShiftSumMatchesScalarAtEveryLevel(int n)
    {
        float[] source = TestData.Gaussian(n + 100, n, 3f);
        source[0] = float.NegativeInfinity;
        float shift = 2.5f, gain = 1.7f;
        float[] expected = new float[n];
        double expectedSum = 0;
        for (int i = 0; i < n; i++)
        {
            expected[i] = (float)Math.Exp(gain * ((double)source[i] - shift));
            expectedSum += expected[i];
        }

        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            float[] x = (float[])source.Clone();
            float sum;
            fixed (float* p = x)
            {
                sum = RowKernels.ExpShiftSum(level, p, n, shift, gain);
            }

            Assert.Equal(0f, x[0]);
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(expected[i] - x[i]) <= 2e-6f * expected[i] + 1e-30f, $"{level} n={n} [{i}] {x[i]} vs {expected[i]}");
            }

            Assert.True(Math.Abs(expectedSum - sum) <= 1e-5 * expectedSum, $"{level} n={n} sum {sum} vs {expectedSum}");
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ScaleAxpyAndNegateMatchScalarAtEveryLevel(int n)
    {
        float[] x = TestData.Gaussian(n + 7, n), y0 = TestData.Gaussian(n + 8, n);
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            float[] scaled = new float[n], axpy = (float[])y0.Clone(), neg = (float[])x.Clone(), root = new float[n];
            for (int i = 0; i < n; i++)
            {
                root[i] = x[i] * x[i];
            }

            fixed (float* px = x, ps = scaled, pa = axpy, pn = neg, pr = root)
            {
                RowKernels.Scale(level, px, n, 0.25f, ps);
                RowKernels.Axpy(level, -1.5f, px, pa, n);
                RowKernels.Negate(level, pn, n, root: false);
                RowKernels.Negate(level, pr, n, root: true);
            }

            for (int i = 0; i < n; i++)
            {
                Assert.Equal(x[i] * 0.25f, scaled[i]);
                Assert.Equal(MathF.FusedMultiplyAdd(-1.5f, x[i], y0[i]), axpy[i]);
                Assert.Equal(-x[i], neg[i]);
                Assert.Equal(-MathF.Sqrt(x[i] * x[i]), root[i]);
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(17, 0)]
    [InlineData(127, 3)]
    [InlineData(128, 16)]
    [InlineData(129, 5)]
    [InlineData(784, 9)]
    [InlineData(801, 2)]
    public void WeightedRowSumEqualsClearAxpyScaleBitForBit(int n, int m)
    {
        float[] data = TestData.Gaussian(n + m, (m + 1) * n, 2f);
        float[] weights = TestData.Gaussian(m + 7, Math.Max(1, m));
        float[] start = TestData.Gaussian(n * 3, n); // garbage the kernel must overwrite, never read
        var expected = new float[n];
        const float scale = 0.37f;
        fixed (float* pd = data, pw = weights, pe = expected)
        {
            // Rows in a scrambled order, one of them twice.
            var rows = new nint[Math.Max(1, m)];
            for (int r = 0; r < m; r++)
            {
                rows[r] = (nint)(pd + ((nint)((r * 5) % (m + 1)) * n));
            }

            if (m >= 2)
            {
                rows[m - 1] = rows[0];
            }

            for (int r = 0; r < m; r++)
            {
                for (int i = 0; i < n; i++)
                {
                    pe[i] = MathF.FusedMultiplyAdd(pw[r], ((float*)rows[r])[i], pe[i]);
                }
            }

            for (int i = 0; i < n; i++)
            {
                pe[i] *= scale;
            }

            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                var actual = (float[])start.Clone();
                fixed (float* pa = actual)
                fixed (nint* pr = rows)
                {
                    RowKernels.WeightedRowSum(level, pw, pr, m, scale, pa, n);
                }

                Assert.Equal(expected, actual);
            }
        }
    }
}

public class RowKernelsExpTests
{
    [Fact]
    public void VectorExpIsWithinTwoUlpsOfDoubleExpOverTheWholeRange()
    {
        var xs = new List<float> { 0f, -0f, 1f, -1f, 0.5f, -87.3f, 88.3f, -20.123f, 10f, float.NegativeInfinity, -87.4f, -1000f };
        for (float x = -87f; x < 88f; x += 0.0137f)
        {
            xs.Add(x);
        }

        float[] input = [.. xs];
        for (int i = 0; i + 16 <= input.Length; i += 16)
        {
            var v512 = RowKernels.Exp(System.Runtime.Intrinsics.Vector512.Create(input.AsSpan(i, 16)));
            var v256 = RowKernels.Exp(System.Runtime.Intrinsics.Vector256.Create(input.AsSpan(i, 8)));
            var v128 = RowKernels.Exp(System.Runtime.Intrinsics.Vector128.Create(input.AsSpan(i, 4)));
            for (int k = 0; k < 16; k++)
            {
                float x = input[i + k];
                double expected = x < -87.33654f ? 0 : Math.Exp(x);
                float got = v512[k];
                Assert.True(Math.Abs(got - expected) <= 2.5e-7 * expected, $"exp({x}) = {got}, expected {expected}");
                if (k < 8)
                {
                    Assert.Equal(got, v256[k]);
                }

                if (k < 4)
                {
                    Assert.Equal(got, v128[k]);
                }
            }
        }
    }
}
