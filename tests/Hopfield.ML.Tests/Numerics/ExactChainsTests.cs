using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public unsafe class ExactChainsTests
{
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(15, 5, false)]
    [InlineData(16, 16, false)]
    [InlineData(17, 17, false)]
    [InlineData(37, 31, false)]
    [InlineData(784, 32, false)]
    [InlineData(784, 33, false)]
    [InlineData(1001, 70, false)]
    [InlineData(1, 1, true)]
    [InlineData(15, 5, true)]
    [InlineData(17, 17, true)]
    [InlineData(37, 31, true)]
    [InlineData(784, 33, true)]
    [InlineData(1001, 70, true)]
    public void EveryLevelGivesTheReferenceAndTheDenseScoresBitForBit(int dim, int n, bool squaredDistance)
    {
        const int count = 90;
        float[] keys = TestData.Gaussian(dim + n, count * dim, 2f);
        float[] query = TestData.Gaussian(dim - n, dim, 3f);
        var random = new Random(dim * n);
        int[] ix = Enumerable.Range(0, n).Select(_ => random.Next(count)).ToArray();
        ix[n - 1] = ix[0]; // a key twice
        var expected = new float[n];
        var dense = new float[count];
        fixed (float* pq = query, pk = keys, pe = expected)
        fixed (int* pix = ix)
        {
            if (squaredDistance)
            {
                ExactChains.Reference<SquaredDifference>(pq, pk, dim, pix, n, pe);
            }
            else
            {
                ExactChains.Reference<Product>(pq, pk, dim, pix, n, pe);
            }

            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                var actual = new float[n + 1];
                actual[n] = 12345f;
                fixed (float* pa = actual)
                {
                    if (squaredDistance)
                    {
                        ExactChains.SquaredDistances(level, pq, pk, dim, pix, n, pa);
                    }
                    else
                    {
                        ExactChains.Dots(level, pq, pk, dim, pix, n, pa);
                    }
                }

                for (int c = 0; c < n; c++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected[c]) == BitConverter.SingleToInt32Bits(actual[c]), $"{level}, key {c}: {actual[c]:R} vs reference {expected[c]:R}");
                }

                Assert.Equal(12345f, actual[n]); // nothing written past the n scores

                Dense(level, query, dim, keys, count, squaredDistance, dense);
                for (int c = 0; c < n; c++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(dense[ix[c]]) == BitConverter.SingleToInt32Bits(actual[c]), $"{level}, key {c}: {actual[c]:R} vs dense {dense[ix[c]]:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData(784, 16, 16, false)]
    [InlineData(784, 5, 0, true)]
    [InlineData(784, 0, 7, false)]
    [InlineData(37, 17, 3, true)]
    [InlineData(37, 33, 16, false)]
    [InlineData(19, 1, 40, true)]
    public void TwoQueriesAtOnceGiveTheOneQueryScores(int dim, int nA, int nB, bool squaredDistance)
    {
        const int count = 70;
        float[] keys = TestData.Gaussian(dim + nA, count * dim, 2f);
        float[] queries = TestData.Gaussian(dim + nB, 2 * dim, 3f);
        var random = new Random((dim * 100) + nA + nB);
        int[] ixA = Enumerable.Range(0, Math.Max(1, nA)).Select(_ => random.Next(count)).ToArray();
        int[] ixB = Enumerable.Range(0, Math.Max(1, nB)).Select(_ => random.Next(count)).ToArray();
        var expectedA = new float[ixA.Length];
        var expectedB = new float[ixB.Length];
        fixed (float* pq = queries, pk = keys, ea = expectedA, eb = expectedB)
        fixed (int* pa = ixA, pb = ixB)
        {
            if (squaredDistance)
            {
                ExactChains.Reference<SquaredDifference>(pq, pk, dim, pa, nA, ea);
                ExactChains.Reference<SquaredDifference>(pq + dim, pk, dim, pb, nB, eb);
            }
            else
            {
                ExactChains.Reference<Product>(pq, pk, dim, pa, nA, ea);
                ExactChains.Reference<Product>(pq + dim, pk, dim, pb, nB, eb);
            }

            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                // One slot past each list: nothing may be written there.
                var actualA = new float[nA + 1];
                var actualB = new float[nB + 1];
                actualA[nA] = actualB[nB] = 12345f;
                fixed (float* sa = actualA, sb = actualB)
                {
                    if (squaredDistance)
                    {
                        ExactChains.SquaredDistancesOfTwo(level, pk, dim, pq, pa, nA, sa, pq + dim, pb, nB, sb);
                    }
                    else
                    {
                        ExactChains.DotsOfTwo(level, pk, dim, pq, pa, nA, sa, pq + dim, pb, nB, sb);
                    }
                }

                for (int c = 0; c < nA; c++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expectedA[c]) == BitConverter.SingleToInt32Bits(actualA[c]), $"{level}, A key {c}: {actualA[c]:R} vs {expectedA[c]:R}");
                }

                for (int c = 0; c < nB; c++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expectedB[c]) == BitConverter.SingleToInt32Bits(actualB[c]), $"{level}, B key {c}: {actualB[c]:R} vs {expectedB[c]:R}");
                }

                Assert.Equal(12345f, actualA[nA]);
                Assert.Equal(12345f, actualB[nB]);
            }
        }
    }

    /// <summary>The scores the dense path computes: the GEMM for dot products, the packed distance kernel otherwise.</summary>
    private static void Dense(SimdLevel level, float[] query, int dim, float[] keys, int count, bool squaredDistance, float[] dense)
    {
        if (!squaredDistance)
        {
            Gemm.MultiplyTransposed(level, query, 1, dim, keys, count, dense);
            return;
        }

        float[] packed = Gemm.Pack(keys, count, dim);
        int panels = Gemm.PanelCount(count);
        var tile = new float[panels * Gemm.PanelWidth];
        fixed (float* pq = query, pp = packed, pt = tile)
        {
            PackedDistance.SquaredEuclidean(level, pq, dim, 1, pp, panels, dim, pt, tile.Length);
        }

        tile.AsSpan(0, count).CopyTo(dense);
    }
}
