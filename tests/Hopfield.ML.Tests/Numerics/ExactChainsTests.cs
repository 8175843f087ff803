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
    [InlineData(784, false, 16, 16)]
    [InlineData(784, true, 5, 0)]
    [InlineData(784, false, 0, 7)]
    [InlineData(37, true, 17, 3)]
    [InlineData(37, false, 33, 16)]
    [InlineData(19, true, 1, 40)]
    [InlineData(784, true, 20, 9, 0, 31, 16, 1, 17, 5)]
    [InlineData(33, false, 3, 3, 3, 3, 3)]
    public void SeveralQueriesAtOnceGiveTheOneQueryScores(int dim, bool squaredDistance, params int[] counts)
    {
        const int count = 70;
        int lists = counts.Length;
        float[] keys = TestData.Gaussian(dim + counts[0], count * dim, 2f);
        float[] queries = TestData.Gaussian(dim + counts[^1], lists * dim, 3f);
        var random = new Random((dim * 100) + counts.Sum());
        int[][] ix = counts.Select(n => Enumerable.Range(0, Math.Max(1, n)).Select(_ => random.Next(count)).ToArray()).ToArray();
        float[][] expected = counts.Select(n => new float[Math.Max(1, n)]).ToArray();
        fixed (float* pq = queries, pk = keys)
        {
            for (int l = 0; l < lists; l++)
            {
                fixed (int* pi = ix[l])
                fixed (float* pe = expected[l])
                {
                    if (squaredDistance)
                    {
                        ExactChains.Reference<SquaredDifference>(pq + (l * dim), pk, dim, pi, counts[l], pe);
                    }
                    else
                    {
                        ExactChains.Reference<Product>(pq + (l * dim), pk, dim, pi, counts[l], pe);
                    }
                }
            }

            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                // One slot past each list: nothing may be written there.
                float[][] actual = counts.Select(n => new float[n + 1]).ToArray();
                var handles = new List<System.Runtime.InteropServices.GCHandle>();
                var chainLists = new ChainList[lists];
                for (int l = 0; l < lists; l++)
                {
                    actual[l][counts[l]] = 12345f;
                    var hi = System.Runtime.InteropServices.GCHandle.Alloc(ix[l], System.Runtime.InteropServices.GCHandleType.Pinned);
                    var ha = System.Runtime.InteropServices.GCHandle.Alloc(actual[l], System.Runtime.InteropServices.GCHandleType.Pinned);
                    handles.Add(hi);
                    handles.Add(ha);
                    chainLists[l] = new ChainList(pq + (l * dim), (int*)hi.AddrOfPinnedObject(), counts[l], (float*)ha.AddrOfPinnedObject());
                }

                try
                {
                    fixed (ChainList* pl = chainLists)
                    {
                        if (squaredDistance)
                        {
                            ExactChains.SquaredDistancesOfMany(level, pk, dim, pl, lists);
                        }
                        else
                        {
                            ExactChains.DotsOfMany(level, pk, dim, pl, lists);
                        }
                    }
                }
                finally
                {
                    handles.ForEach(h => h.Free());
                }

                for (int l = 0; l < lists; l++)
                {
                    for (int c = 0; c < counts[l]; c++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(expected[l][c]) == BitConverter.SingleToInt32Bits(actual[l][c]), $"{level}, list {l} key {c}: {actual[l][c]:R} vs {expected[l][c]:R}");
                    }

                    Assert.Equal(12345f, actual[l][counts[l]]);
                }
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
