using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Universal;

public unsafe class ScreeningTests
{
    /// <summary>A fused batch with the log-sum-exp too (what the modern network's energy uses).</summary>
    private static void Run(UniversalHopfieldMemory m, float[] q, int n, float[] outputs, float[] lse)
    {
        fixed (float* pq = q, po = outputs, pl = lse)
        {
            m.Engine.Run(RetrievalEngine.Mode.Fused, pq, n, po, null, pl, null, 0);
        }
    }

    // At D = 37 dot scores spread with σ = √37 ≈ 6 and cosine ones with σ ≈ 0.16; a key is left out only when its
    // weight is below τ/P = 1e-6/293, i.e. ln(P/τ) ≈ 20 logits under the best. β·σ of 24–48 is peaked, 0.12 is flat.
    // Auto-association (values = keys, dot) adds value rows from the screen's row copy of the keys (bfloat16-rounded
    // with bfloat16 storage, as the stored values are), not from the sliced values the dense path reads.
    public static TheoryData<SimilarityFunction, float, MemoryStorage, bool, bool> Cases => new()
    {
        { SimilarityFunction.Dot, 4f, MemoryStorage.Float32, true, false },
        { SimilarityFunction.Dot, 8f, MemoryStorage.Float32, true, false },
        { SimilarityFunction.Dot, 0.02f, MemoryStorage.Float32, false, false },
        { SimilarityFunction.Dot, 4f, MemoryStorage.BFloat16, true, false },
        { SimilarityFunction.Cosine, 300f, MemoryStorage.Float32, true, false },
        { SimilarityFunction.Cosine, 300f, MemoryStorage.BFloat16, true, false },
        { SimilarityFunction.Dot, 4f, MemoryStorage.Float32, true, true },
        { SimilarityFunction.Dot, 4f, MemoryStorage.BFloat16, true, true },

        // Negative Euclidean at D = 37: distances near √74 ≈ 8.6 with σ ≈ 1, so β of 24–48 is peaked, 0.12 flat.
        { SimilarityFunction.NegativeEuclidean, 24f, MemoryStorage.Float32, true, false },
        { SimilarityFunction.NegativeEuclidean, 48f, MemoryStorage.BFloat16, true, false },
        { SimilarityFunction.NegativeEuclidean, 0.12f, MemoryStorage.Float32, false, false },
        { SimilarityFunction.NegativeEuclidean, 24f, MemoryStorage.Float32, true, true },
        { SimilarityFunction.NegativeEuclidean, 48f, MemoryStorage.BFloat16, true, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScreenedEqualsDenseWithinTheToleranceAtEveryLevel(SimilarityFunction sim, float beta, MemoryStorage storage, bool peaked, bool autoAssociation)
    {
        const int count = RetrievalEngine.ScreenMinimumCount + 37, dim = 37, queries = 131;
        const float tolerance = 1e-6f;
        int valueDim = autoAssociation ? dim : 11;
        float[] keys = TestData.Gaussian(11, count * dim), q = TestData.Gaussian(12, queries * dim);
        float[] values = autoAssociation ? keys : TestData.Gaussian(13, count * valueDim);
        var options = new UniversalHopfieldOptions { Similarity = sim, Beta = beta, Storage = storage };
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var dense = new UniversalHopfieldMemory(keys, count, values, options, level);
            var screened = new UniversalHopfieldMemory(keys, count, values, options with { SparseTolerance = tolerance, Screening = true }, level);
            float[] expected = new float[queries * valueDim], actual = new float[queries * valueDim];
            float[] expectedLse = new float[queries], actualLse = new float[queries];
            Run(dense, q, queries, expected, expectedLse);
            Run(screened, q, queries, actual, actualLse);

            // Left-out keys weigh < τ in total: |Δ| ≤ 2τ·max|v| plus float noise.
            TestData.AssertClose(expected, actual, (2 * tolerance * values.Max(Math.Abs)) + 1e-5f, $"{sim} β={beta} {storage} {level}");
            TestData.AssertClose(expectedLse, actualLse, 1e-4f, $"lse {sim} β={beta} {storage} {level}");
            var (screenedQueries, fallbacks, exact) = screened.Engine.ScreenStatistics;
            Assert.Equal(queries, screenedQueries);
            if (peaked)
            {
                // Peaked: the screen actually skips keys (a few per query get an exact score, not all 293).
                Assert.True(fallbacks == 0 && exact < queries * count / 4, $"{fallbacks} fallbacks, {exact} exact scores at β={beta}");
            }
        }
    }

    [Theory]
    [InlineData(SimilarityFunction.Dot, 1.5f)]
    [InlineData(SimilarityFunction.NegativeEuclidean, 8f)]
    public void WithALargeToleranceWhatIsLeftOutStaysWithinIt(SimilarityFunction sim, float beta)
    {
        // τ = 0.02: both cuts (the 8-bit one and the final one by the number of candidates) leave out keys whose
        // weights matter at this size; together they must still weigh less than τ of the best, so |Δ| ≤ 2τ·max|v|.
        const int count = RetrievalEngine.ScreenMinimumCount + 37, dim = 37, queries = 131, valueDim = 11;
        const float tolerance = 0.02f;
        float[] keys = TestData.Gaussian(21, count * dim), q = TestData.Gaussian(22, queries * dim), values = TestData.Gaussian(23, count * valueDim);
        var options = new UniversalHopfieldOptions { Similarity = sim, Beta = beta };
        var dense = new UniversalHopfieldMemory(keys, count, values, options);
        var screened = new UniversalHopfieldMemory(keys, count, values, options with { SparseTolerance = tolerance, Screening = true });
        float[] expected = new float[queries * valueDim], actual = new float[queries * valueDim];
        float[] expectedLse = new float[queries], actualLse = new float[queries];
        Run(dense, q, queries, expected, expectedLse);
        Run(screened, q, queries, actual, actualLse);
        var (_, fallbacks, exact) = screened.Engine.ScreenStatistics;
        Assert.True(fallbacks < queries / 2 && exact < (queries - fallbacks) * count / 4, $"{fallbacks} fallbacks, {exact} exact scores");
        TestData.AssertClose(expected, actual, (2 * tolerance * values.Max(Math.Abs)) + 1e-5f, $"{sim} β={beta}");
    }

    [Fact]
    public void QueriesWithMoreCandidatesThanSlotsFallBackToTheFusedPath()
    {
        // A flat softmax over more keys than a query has candidate slots: every key stays a candidate.
        const int count = RetrievalEngine.ScreenMinimumCount + 900, dim = 16, queries = 20;
        float[] keys = TestData.Gaussian(51, count * dim), q = TestData.Gaussian(52, queries * dim);
        var options = new UniversalHopfieldOptions { Beta = 0.01f };
        var dense = new UniversalHopfieldMemory(keys, count, default, options);
        var screened = new UniversalHopfieldMemory(keys, count, default, options with { SparseTolerance = 1e-6f, Screening = true });
        float[] expected = new float[queries * dim], actual = new float[queries * dim];
        dense.RetrieveBatch(q, queries, expected);
        screened.RetrieveBatch(q, queries, actual);
        TestData.AssertClose(expected, actual, 1e-5f, "fallback");
        Assert.Equal((queries, (long)queries, 0L), screened.Engine.ScreenStatistics);
    }

    [Fact]
    public void QueriesWithManySurvivorsFallBackToTheFusedPath()
    {
        // The candidate list is checked before each tile, so a memory of two tiles never overflows it; a flat softmax
        // keeps most keys after the final cut, and more than a fifth of the keys are cheaper on the fused path than as
        // exact chains.
        const int count = RetrievalEngine.ScreenMinimumCount, dim = 16, queries = 9;
        float[] keys = TestData.Gaussian(53, count * dim), q = TestData.Gaussian(54, queries * dim);
        var options = new UniversalHopfieldOptions { Beta = 0.01f };
        var dense = new UniversalHopfieldMemory(keys, count, default, options);
        var screened = new UniversalHopfieldMemory(keys, count, default, options with { SparseTolerance = 1e-6f, Screening = true });
        float[] expected = new float[queries * dim], actual = new float[queries * dim];
        float[] expectedLse = new float[queries], actualLse = new float[queries];
        Run(dense, q, queries, expected, expectedLse);
        Run(screened, q, queries, actual, actualLse);
        TestData.AssertClose(expected, actual, 1e-5f, "fallback");
        TestData.AssertClose(expectedLse, actualLse, 1e-4f, "fallback lse");
        Assert.Equal((queries, (long)queries, 0L), screened.Engine.ScreenStatistics);
    }

    [Fact]
    public void SmallMemoriesRunTheFusedSparsePath()
    {
        const int count = RetrievalEngine.ScreenMinimumCount - 1, dim = 8;
        float[] keys = TestData.Gaussian(61, count * dim);
        var m = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { SparseTolerance = 1e-6f, Screening = true });
        Assert.False(m.Engine.Screening);
        m.Retrieve(keys.AsSpan(0, dim), new float[dim]);
        Assert.Equal((0L, 0L, 0L), m.Engine.ScreenStatistics);
    }

    [Theory]
    [InlineData(SimilarityFunction.Dot, 0.5f, false)]
    [InlineData(SimilarityFunction.Dot, 3f, true)]
    [InlineData(SimilarityFunction.NegativeEuclidean, 20f, true)]
    public void ResultsDoNotDependOnThreadsOrBatchSplit(SimilarityFunction similarity, float beta, bool peaked)
    {
        const int count = RetrievalEngine.ScreenMinimumCount + 1000, dim = 64, queries = 257;
        float[] keys = TestData.Gaussian(31, count * dim), q = TestData.Gaussian(32, queries * dim);
        float[]? first = null;
        // With more than one thread the blocks shrink as the batch runs out, at boundaries that depend on timing: the
        // repeated calls see different ones.
        foreach (int threads in new[] { 1, 2, 3, 2, 2, 0 })
        {
            // At D = 64 dot scores spread with σ = 8 (β = 0.5: flat, every query falls back; β = 3: peaked), distances near
            // 11 with σ ≈ 1 (β = 20: peaked, most queries pair their chains).
            var m = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Similarity = similarity, Beta = beta, SparseTolerance = 1e-6f, Screening = true, Threads = threads });
            var output = new float[queries * dim];
            m.RetrieveBatch(q, queries, output);
            first ??= output;
            Assert.Equal(first, output);
            long fallbacks = m.Engine.ScreenStatistics.Fallbacks;
            Assert.True(peaked ? fallbacks < queries / 10 : fallbacks == queries, $"{fallbacks} of {queries} fell back");

            var one = new float[dim];
            m.Retrieve(q.AsSpan(100 * dim, dim), one);
            Assert.Equal(first.AsSpan(100 * dim, dim).ToArray(), one);
        }
    }

    [Theory]
    [InlineData(SimilarityFunction.Dot, 1f)]
    [InlineData(SimilarityFunction.NegativeEuclidean, 20f)]
    public void ScreeningRetrievesTheStoredPatternFromANoisyCue(SimilarityFunction similarity, float beta)
    {
        const int count = RetrievalEngine.ScreenMinimumCount, dim = 128, stored = count - 7;
        float[] keys = TestData.Gaussian(41, count * dim);
        var m = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Similarity = similarity, Beta = beta, SparseTolerance = 1e-6f, Screening = true });
        float[] cue = keys.AsSpan(stored * dim, dim).ToArray();
        float[] noise = TestData.Gaussian(42, dim, 0.5f);
        for (int d = 0; d < dim; d++)
        {
            cue[d] += noise[d];
        }

        var output = new float[dim];
        m.Retrieve(cue, output);
        TestData.AssertClose(keys.AsSpan(stored * dim, dim), output, 1e-5f, $"pattern {stored}");
        Assert.Equal((1L, 0L), (m.Engine.ScreenStatistics.Queries, m.Engine.ScreenStatistics.Fallbacks));
    }

    [Fact]
    public void DistanceScreeningOfStoredKeysEqualsDense()
    {
        // Queries that are stored keys (distance 0 to one of them: the root of a bound below 0) and stored keys nudged by
        // an ulp, at a β where each query's own key takes nearly all the weight; auto-association.
        const int count = RetrievalEngine.ScreenMinimumCount + 45, dim = 50, queries = 24;
        float[] keys = TestData.Gaussian(71, count * dim, 3f);
        var q = new float[queries * dim];
        for (int r = 0; r < queries; r++)
        {
            keys.AsSpan(r * 13 * dim, dim).CopyTo(q.AsSpan(r * dim));
            if (r % 2 == 1)
            {
                q[(r * dim) + (r % dim)] = MathF.BitIncrement(q[(r * dim) + (r % dim)]);
            }
        }

        var options = new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeEuclidean, Beta = 50f };
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var dense = new UniversalHopfieldMemory(keys, count, default, options, level);
            var screened = new UniversalHopfieldMemory(keys, count, default, options with { SparseTolerance = 1e-6f, Screening = true }, level);
            float[] expected = new float[queries * dim], actual = new float[queries * dim];
            float[] expectedLse = new float[queries], actualLse = new float[queries];
            Run(dense, q, queries, expected, expectedLse);
            Run(screened, q, queries, actual, actualLse);
            TestData.AssertClose(expected, actual, 1e-5f, $"stored keys {level}");
            TestData.AssertClose(expectedLse, actualLse, 1e-4f, $"stored keys lse {level}");
            TestData.AssertClose(q, actual, 1e-5f, $"retrieved {level}");
            var (_, fallbacks, exact) = screened.Engine.ScreenStatistics;
            Assert.True(fallbacks == 0 && exact < queries * 8, $"{fallbacks} fallbacks, {exact} exact scores");
        }
    }

    [Theory]
    [InlineData(SimilarityFunction.NegativeEuclidean, 1e15f, true)]
    [InlineData(SimilarityFunction.Dot, 1e15f, true)]
    [InlineData(SimilarityFunction.NegativeEuclidean, 5e16f, false)]
    [InlineData(SimilarityFunction.Dot, 5e16f, false)]
    public void ValuesTooLargeToBoundTakeTheFusedPath(SimilarityFunction similarity, float scale, bool screened)
    {
        // Values the memory accepts (their scores fit in float) whose bounds' squares would not, (‖q‖₁ + max‖k‖)² being
        // up to D times larger than the scores, with a margin of 2¹⁰): such queries give what the fused path gives (without
        // the guard, larger values made NaN bounds and a NaN output).
        // Query 0 is a stored key.
        const int count = RetrievalEngine.ScreenMinimumCount + 44, dim = 40, queries = 7;
        float[] keys = TestData.Gaussian(5, count * dim, scale), q = TestData.Gaussian(6, queries * dim, scale);
        keys.AsSpan(0, dim).CopyTo(q);
        // A peaked softmax where the values allow it: distances spread by about 1·scale, dot products by 6·scale².
        float beta = similarity == SimilarityFunction.NegativeEuclidean ? 40f / scale : screened ? 4f / (scale * scale) : 1f / scale;
        var options = new UniversalHopfieldOptions { Similarity = similarity, Beta = beta, SparseTolerance = 1e-6f };
        var fused = new UniversalHopfieldMemory(keys, count, default, options);
        var screen = new UniversalHopfieldMemory(keys, count, default, options with { Screening = true });
        float[] expected = new float[queries * dim], actual = new float[queries * dim];
        fused.RetrieveBatch(q, queries, expected);
        screen.RetrieveBatch(q, queries, actual);
        var (screenedQueries, fallbacks, _) = screen.Engine.ScreenStatistics;
        Assert.Equal(queries, screenedQueries);
        if (screened)
        {
            Assert.True(fallbacks < queries, $"{fallbacks} of {queries} fell back at {scale}");
            TestData.AssertClose(expected, actual, 1e-5f * scale, $"{similarity} at {scale}");
        }
        else
        {
            Assert.Equal(queries, fallbacks);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(0f, SeparationFunction.Softmax, SimilarityFunction.Dot, "SparseTolerance")]
    [InlineData(1e-6f, SeparationFunction.Max, SimilarityFunction.Dot, "softmax")]
    [InlineData(1e-6f, SeparationFunction.Softmax, SimilarityFunction.NegativeManhattan, "dot, cosine or negative Euclidean")]
    public void ScreeningNeedsToleranceSoftmaxAndDot(float tolerance, SeparationFunction separation, SimilarityFunction similarity, string named)
    {
        float[] keys = TestData.Gaussian(1, 40);
        var ex = Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(keys, 4, default, new UniversalHopfieldOptions
        {
            SparseTolerance = tolerance,
            Separation = separation,
            Similarity = similarity,
            Screening = true,
        }));
        Assert.Contains("Screening", ex.Message, StringComparison.Ordinal);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
