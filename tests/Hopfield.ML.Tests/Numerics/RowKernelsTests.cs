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
}
