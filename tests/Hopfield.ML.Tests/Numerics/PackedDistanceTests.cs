using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public unsafe class PackedDistanceTests
{
    private static readonly int[] OddSizes = [1, 3, 17, 63, 65];

    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int m in OddSizes)
        {
            foreach (int n in OddSizes)
            {
                data.Add(m, n, OddSizes[(m + (2 * n)) % OddSizes.Length]);
            }
        }

        data.Add(7, 33, 784);
        data.Add(13, 48, 2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SquaredEuclideanMatchesReferenceAndIsBitIdenticalAcrossLevels(int m, int n, int k) =>
        Check(m, n, k, l2: true);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ManhattanMatchesReferenceAndIsBitIdenticalAcrossLevels(int m, int n, int k) =>
        Check(m, n, k, l2: false);

    [Fact]
    public void ExactSmallIntegerCase()
    {
        float[] a = [1, 2, 3, -1, 0, 5], b = [4, -6, 8, 1, 2, 3];
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            float[] l2 = Run(level, a, 2, b, 2, 3, l2: true), l1 = Run(level, a, 2, b, 2, 3, l2: false);
            Assert.Equal([9 + 64 + 25, 0, 25 + 36 + 9, 4 + 4 + 4], l2);
            Assert.Equal([3 + 8 + 5, 0, 5 + 6 + 3, 2 + 2 + 2], l1);
        }
    }

    private static void Check(int m, int n, int k, bool l2)
    {
        float[] a = TestData.Gaussian((m * 5) + k, m * k), b = TestData.Gaussian((n * 3) + k, n * k);
        float[]? scalar = null;
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            float[] c = Run(level, a, m, b, n, k, l2);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    var x = a.AsSpan(i * k, k);
                    var y = b.AsSpan(j * k, k);
                    float expected = l2 ? ReferenceKernels.SquaredEuclidean(x, y) : ReferenceKernels.Manhattan(x, y);
                    Assert.True(Math.Abs(expected - c[(i * n) + j]) <= 1e-5f * (expected + 1), $"{level} {m}x{n}x{k} [{i},{j}]: {c[(i * n) + j]} vs {expected}");
                }
            }

            scalar ??= c;
            Assert.Equal(scalar, c);
        }
    }

    private static float[] Run(SimdLevel level, float[] a, int m, float[] b, int n, int k, bool l2)
    {
        float[] packed = Gemm.Pack(b, n, k);
        int panels = Gemm.PanelCount(n), ldc = panels * Gemm.PanelWidth;
        var c = new float[m * ldc];
        fixed (float* pa = a, pp = packed, pc = c)
        {
            if (l2)
            {
                PackedDistance.SquaredEuclidean(level, pa, k, m, pp, panels, k, pc, ldc);
            }
            else
            {
                PackedDistance.Manhattan(level, pa, k, m, pp, panels, k, pc, ldc);
            }
        }

        var result = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            c.AsSpan(i * ldc, n).CopyTo(result.AsSpan(i * n, n));
        }

        return result;
    }
}
