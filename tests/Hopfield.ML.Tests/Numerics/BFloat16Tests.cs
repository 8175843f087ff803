using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

public unsafe class BFloat16Tests
{
    [Theory]
    [InlineData(1f, (ushort)0x3F80)]
    [InlineData(-2f, (ushort)0xC000)]
    [InlineData(0f, (ushort)0x0000)]
    [InlineData(1.00390625f, (ushort)0x3F80)] // 1 + 2^-8: a tie, rounds to even (down)
    [InlineData(1.01171875f, (ushort)0x3F82)] // 1 + 3·2^-8: a tie, rounds to even (up)
    public void EncodesWithRoundToNearestEven(float x, ushort expected) => Assert.Equal(expected, BFloat16.FromSingle(x));

    [Fact]
    public void RoundingErrorIsAtMostHalfAnUlpOfEightBits()
    {
        float[] x = TestData.Gaussian(3, 10_000, 100f);
        foreach (float v in x)
        {
            float back = BFloat16.ToSingle(BFloat16.FromSingle(v));
            Assert.True(Math.Abs(back - v) <= Math.Abs(v) * (1f / 256), $"{v} -> {back}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(129)]
    public void DecodeMatchesScalarAtEveryLevel(int n)
    {
        float[] x = TestData.Gaussian(n, n);
        var h = new ushort[n];
        BFloat16.FromSingle(x, h);
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var y = new float[n];
            fixed (ushort* ph = h)
            fixed (float* py = y)
            {
                BFloat16.ToSingle(level, ph, py, n);
            }

            for (int i = 0; i < n; i++)
            {
                Assert.Equal(BFloat16.ToSingle(h[i]), y[i]);
            }
        }
    }
}
