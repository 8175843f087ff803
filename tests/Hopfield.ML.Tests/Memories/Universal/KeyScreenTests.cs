using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Universal;

public unsafe class KeyScreenTests
{
    /// <summary>The 8-bit dots of every key of a tile, for one query.</summary>
    private static int[] Dots(KeyScreen screen, byte[] codes, int keyStart, int kc)
    {
        var dots = new int[RetrievalEngine.KeyTile];
        fixed (byte* u = codes)
        fixed (int* d = dots)
        {
            for (int sub = 0; sub < kc; sub += Int8Gemm.TileKeys)
            {
                Int8Gemm.Scores(vnni: true, u, screen.PaddedDimension, 1, screen.Codes + ((nint)(keyStart + sub) * screen.PaddedDimension), screen.Groups, d + sub, RetrievalEngine.KeyTile);
            }
        }

        return dots;
    }

    /// <summary>The scalar upper bounds of the first 128 keys for one query.</summary>
    private static float[] FirstTileUpperBounds(KeyScreen screen, float[] q)
    {
        var codes = new byte[screen.PaddedDimension];
        QueryCode code;
        fixed (byte* u = codes)
        {
            code = screen.EncodeQuery(SimdLevel.Scalar, q, u, new sbyte[q.Length]);
        }

        var upper = new float[128];
        TileBoundsAt(screen, codes, code, SimdLevel.Scalar, 0, 128, upper);
        return upper;
    }

    /// <summary>
    /// Score upper bounds of keys keyStart … keyStart + kc − 1 for one encoded query at one level (for distances
    /// converted from the stored bound by <see cref="KeyScreen.ScoreOfBound"/>); returns the best lower bound.
    /// </summary>
    private static float TileBoundsAt(KeyScreen screen, byte[] codes, QueryCode code, SimdLevel level, int keyStart, int kc, float[] upper)
    {
        int[] dots = Dots(screen, codes, keyStart, kc);
        float best;
        fixed (int* d = dots)
        fixed (float* up = upper)
        {
            best = screen.TileBounds(level, d, keyStart, kc, code, up);
        }

        for (int j = 0; j < kc; j++)
        {
            upper[j] = screen.ScoreOfBound(upper[j]);
        }

        return best;
    }

    [Fact]
    public void DistanceThresholdsKeepEveryBoundThatReachesTheScore()
    {
        // A stored bound −l stands for the score bound −√l (widened); candidates are kept by comparing −l with a squared
        // threshold. Every l whose score bound reaches t must pass, including the ulps around t².
        var screen = new KeyScreen(TestData.Gaussian(1, 4 * 8), 4, 8, distances: true);
        var random = new Random(11);
        int checkedNear = 0;
        for (int i = 0; i < 20000; i++)
        {
            float t = -(float)Math.Exp((random.NextDouble() * 80) - 40); // 4e-18 … 2e17
            float bound = screen.BoundOfThreshold(t);
            float l = t * t;
            for (int k = 0; k < 24; k++)
            {
                l = MathF.BitDecrement(l);
            }

            for (int k = 0; k < 48; k++, l = MathF.BitIncrement(l))
            {
                if (screen.ScoreOfBound(-l) >= t)
                {
                    checkedNear++;
                    Assert.True(-l >= bound, $"t = {t:R}, l = {l:R}: score bound {screen.ScoreOfBound(-l):R} reaches t, but −l < {bound:R}");
                }
            }
        }

        Assert.True(checkedNear > 20000);
        Assert.Equal(float.NegativeInfinity, screen.BoundOfThreshold(float.NegativeInfinity));
        Assert.Equal(0f, screen.BoundOfThreshold(0f));
        Assert.True(screen.ScoreOfBound(0f) >= 0f);
    }

    [Theory]
    [InlineData(1, 1, 1f)]
    [InlineData(37, 517, 1f)]
    [InlineData(64, 300, 1e-4f)]
    [InlineData(130, 129, 1e5f)]
    public void BoundsContainTheFloatScoreAtEveryLevel(int dim, int count, float scale)
    {
        float[] keys = TestData.Gaussian(dim, count * dim, scale), queries = TestData.Gaussian(dim + 1, 7 * dim, scale);
        keys[0] = 0; // a zero component and, for dim 1, a zero key
        var screen = new KeyScreen(keys, count, dim);
        var codes = new byte[screen.PaddedDimension];
        var signed = new sbyte[dim];
        var upper = new float[RetrievalEngine.KeyTile];
        for (int qi = 0; qi < 7; qi++)
        {
            var q = queries.AsSpan(qi * dim, dim);
            QueryCode code;
            fixed (byte* u = codes)
            {
                code = screen.EncodeQuery(SimdCapabilities.Best, q, u, signed);
            }

            for (int keyStart = 0; keyStart < count; keyStart += RetrievalEngine.KeyTile)
            {
                int kc = Math.Min(RetrievalEngine.KeyTile, count - keyStart);
                float[]? first = null;
                float firstBest = 0;
                foreach (SimdLevel level in SimdCapabilities.Supported)
                {
                    float best = TileBoundsAt(screen, codes, code, level, keyStart, kc, upper);

                    // Same floats on every path.
                    if (first is null)
                    {
                        first = upper[..kc];
                        firstBest = best;
                    }
                    else
                    {
                        Assert.Equal(first, upper[..kc]);
                        Assert.Equal(firstBest, best);
                    }
                }

                double bestScore = double.NegativeInfinity;
                for (int j = 0; j < kc; j++)
                {
                    // The exact score (double) and the float one the dense path computes both lie below the upper bound.
                    double exact = 0;
                    float fl = 0;
                    for (int d = 0; d < dim; d++)
                    {
                        exact += (double)q[d] * keys[((keyStart + j) * dim) + d];
                        fl = MathF.FusedMultiplyAdd(q[d], keys[((keyStart + j) * dim) + d], fl);
                    }

                    Assert.True(exact <= first![j] && fl <= first[j], $"key {keyStart + j}: score {exact} above bound {first[j]}");
                    bestScore = Math.Max(bestScore, exact);
                }

                Assert.True(firstBest <= bestScore, $"lower bound {firstBest} above the best score {bestScore}");
            }
        }
    }

    [Fact]
    public void BoundsAreTight()
    {
        // Not a vacuous bound: at D = 784 the half-width (e_q‖k‖₁ + e_k‖q̂‖₁, about 2 × 0.013 × 627 ≈ 17, up to 23 for keys
        // with a large component) stays under the score spread σ = √D = 28, i.e. under one logit at the usual β = 1/√D,
        // against the ln(P/τ) ≈ 25 logits a key must fall behind to be left out.
        const int dim = 784, count = 256;
        float[] keys = TestData.Gaussian(3, count * dim), q = TestData.Gaussian(4, dim);
        var screen = new KeyScreen(keys, count, dim);
        float[] upper = FirstTileUpperBounds(screen, q);

        for (int j = 0; j < 128; j++)
        {
            double exact = 0;
            for (int d = 0; d < dim; d++)
            {
                exact += (double)q[d] * keys[(j * dim) + d];
            }

            Assert.InRange(upper[j] - exact, 0, 28);
        }
    }

    [Theory]
    [InlineData(1, 1, 1f)]
    [InlineData(37, 517, 1f)]
    [InlineData(64, 300, 1e-4f)]
    [InlineData(130, 129, 1e5f)]
    [InlineData(784, 40, 1f)]
    public void DistanceBoundsContainTheFloatScoreAtEveryLevel(int dim, int count, float scale)
    {
        // Queries 0–6 random, query 7 a stored key (distance 0 to it, where the lower bound of ‖q − k‖² goes below 0),
        // query 8 a stored key with one component nudged (a distance of a few ulps of the norms).
        float[] keys = TestData.Gaussian(dim, count * dim, scale), queries = TestData.Gaussian(dim + 1, 9 * dim, scale);
        keys[0] = 0;
        keys.AsSpan((count - 1) * dim, dim).CopyTo(queries.AsSpan(7 * dim));
        keys.AsSpan(0, dim).CopyTo(queries.AsSpan(8 * dim));
        queries[(8 * dim) + (dim - 1)] = MathF.BitIncrement(queries[(8 * dim) + (dim - 1)]);
        var screen = new KeyScreen(keys, count, dim, distances: true);
        var codes = new byte[screen.PaddedDimension];
        var signed = new sbyte[dim];
        var upper = new float[RetrievalEngine.KeyTile];
        for (int qi = 0; qi < 9; qi++)
        {
            var q = queries.AsSpan(qi * dim, dim);
            for (int keyStart = 0; keyStart < count; keyStart += RetrievalEngine.KeyTile)
            {
                int kc = Math.Min(RetrievalEngine.KeyTile, count - keyStart);
                float[]? first = null;
                float firstBest = 0;
                foreach (SimdLevel level in SimdCapabilities.Supported)
                {
                    QueryCode code;
                    fixed (byte* u = codes)
                    {
                        code = screen.EncodeQuery(level, q, u, signed);
                    }

                    float best = TileBoundsAt(screen, codes, code, level, keyStart, kc, upper);

                    if (first is null)
                    {
                        first = upper[..kc];
                        firstBest = best;
                    }
                    else
                    {
                        // Same floats on every path (‖q‖² may round differently per level, so only within a few ulps).
                        TestData.AssertClose(first, upper[..kc], 1e-5f * (1 + Math.Abs(first.Min())), $"{level} query {qi}");
                    }

                    double bestScore = double.NegativeInfinity;
                    for (int j = 0; j < kc; j++)
                    {
                        // The exact score (double) and the dense path's float one lie between the bounds.
                        double squares = 0;
                        float chain = 0;
                        for (int d = 0; d < dim; d++)
                        {
                            float diff = keys[((keyStart + j) * dim) + d] - q[d];
                            squares += ((double)keys[((keyStart + j) * dim) + d] - q[d]) * ((double)keys[((keyStart + j) * dim) + d] - q[d]);
                            chain = MathF.FusedMultiplyAdd(diff, diff, chain);
                        }

                        double exact = -Math.Sqrt(squares);
                        float dense = -MathF.Sqrt(chain);
                        Assert.True(exact <= upper[j] && dense <= upper[j], $"{level} query {qi} key {keyStart + j}: score {exact} / {dense} above bound {upper[j]}");
                        bestScore = Math.Max(bestScore, Math.Min(exact, dense));
                    }

                    Assert.True(best <= bestScore, $"{level} query {qi}: lower bound {best} above the best score {bestScore}");
                }
            }
        }
    }

    [Fact]
    public void DistanceBoundsAreTight()
    {
        // At D = 784 (distances near √(2D) ≈ 40, spread σ ≈ 1) the bound on ‖q − k‖² is the dot one doubled, about ±25,
        // so about ±0.3 on the distance: a third of σ, against the ln(P/τ)/β a key must fall behind to be left out.
        const int dim = 784, count = 256;
        float[] keys = TestData.Gaussian(3, count * dim), q = TestData.Gaussian(4, dim);
        var screen = new KeyScreen(keys, count, dim, distances: true);
        float[] upper = FirstTileUpperBounds(screen, q);

        for (int j = 0; j < 128; j++)
        {
            double squares = 0;
            for (int d = 0; d < dim; d++)
            {
                double diff = (double)q[d] - keys[(j * dim) + d];
                squares += diff * diff;
            }

            Assert.InRange(upper[j] + Math.Sqrt(squares), 0, 0.6);
        }
    }

    [Fact]
    public void CollectAndCompactKeepExactlyTheKeysAtOrAboveTheThreshold()
    {
        var upper = new float[128];
        var random = new Random(3);
        for (int i = 0; i < upper.Length; i++)
        {
            upper[i] = (float)random.NextDouble();
        }

        upper[5] = 0.5f; // exactly at the threshold: kept
        foreach (int kc in new[] { 1, 15, 16, 17, 100, 128 })
        {
            var expected = Enumerable.Range(0, kc).Where(j => upper[j] >= 0.5f).Select(j => 1000 + j).ToArray();
            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                // Three entries already in the list, room for exactly kc more (the vector path stores whole vectors), and
                // a sentinel after that room that nothing may touch.
                var ix = new int[3 + kc + 1];
                var bounds = new float[3 + kc + 1];
                ix[^1] = -1;
                bounds[^1] = 42f;
                ix[0] = 7;
                ix[1] = 8;
                ix[2] = 9;
                bounds[0] = 0.9f;
                bounds[1] = 0.1f;
                bounds[2] = 0.85f;
                int n;
                fixed (float* up = upper, b = bounds)
                fixed (int* p = ix)
                {
                    n = KeyScreen.Collect(level, up, 1000, kc, 0.5f, p, b, 3);
                    Assert.Equal(expected, ix[3..n]);
                    Assert.Equal(expected.Select(i => upper[i - 1000]), bounds[3..n]);
                    Assert.Equal([7, 8, 9], ix[..3]);
                    n = KeyScreen.Compact(level, p, b, n, 0.8f);
                }

                Assert.Equal(new[] { 7, 9 }.Concat(expected.Where(i => upper[i - 1000] >= 0.8f)), ix[..n]);
                Assert.All(bounds[..n], v => Assert.True(v >= 0.8f));
                Assert.Equal((-1, 42f), (ix[^1], bounds[^1]));
            }
        }
    }
}
