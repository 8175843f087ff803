using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public unsafe class ExactChainsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(15, 5)]
    [InlineData(16, 16)]
    [InlineData(17, 17)]
    [InlineData(37, 31)]
    [InlineData(784, 32)]
    [InlineData(784, 33)]
    [InlineData(1001, 70)]
    public void EveryLevelGivesTheReferenceAndTheDenseScoresBitForBit(int dim, int n)
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
            ExactChains.Reference(pq, pk, dim, pix, n, pe);
            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                var actual = new float[n + 1];
                actual[n] = 12345f;
                fixed (float* pa = actual)
                {
                    ExactChains.Dots(level, pq, pk, dim, pix, n, pa);
                }

                for (int c = 0; c < n; c++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected[c]) == BitConverter.SingleToInt32Bits(actual[c]), $"{level}, key {c}: {actual[c]:R} vs reference {expected[c]:R}");
                }

                Assert.Equal(12345f, actual[n]); // nothing written past the n scores

                Gemm.MultiplyTransposed(level, query, 1, dim, keys, count, dense);
                for (int c = 0; c < n; c++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(dense[ix[c]]) == BitConverter.SingleToInt32Bits(actual[c]), $"{level}, key {c}: {actual[c]:R} vs dense {dense[ix[c]]:R}");
                }
            }
        }
    }
}
