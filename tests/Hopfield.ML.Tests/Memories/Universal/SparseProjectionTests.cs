using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Universal;

public class SparseProjectionTests
{
    public static TheoryData<SimilarityFunction, float> Cases => new()
    {
        { SimilarityFunction.Dot, 0.2f },
        { SimilarityFunction.Dot, 0.02f },
        { SimilarityFunction.Cosine, 30f },
        { SimilarityFunction.NegativeEuclidean, 2f },
        { SimilarityFunction.NegativeManhattan, 0.5f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SparseProjectionEqualsDenseWithin1e5(SimilarityFunction sim, float beta)
    {
        const int count = 517, dim = 37, queries = 131;
        float[] keys = TestData.Gaussian(11, count * dim), q = TestData.Gaussian(12, queries * dim);
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var dense = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Similarity = sim, Beta = beta }, level);
            var sparse = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Similarity = sim, Beta = beta, SparseTolerance = 1e-7f }, level);
            float[] expected = new float[queries * dim], actual = new float[queries * dim];
            dense.RetrieveBatch(q, queries, expected);
            sparse.RetrieveBatch(q, queries, actual);
            TestData.AssertClose(expected, actual, 1e-5f, $"{sim} β={beta} {level}");
        }
    }

    [Fact]
    public void PeakedSoftmaxActuallySkipsRowsAndStillMatches()
    {
        // β = 1 on dimension 64: the best key dominates by e^(tens); a relative tolerance of 1e-6 drops nearly all rows.
        const int count = 1000, dim = 64, queries = 50;
        float[] keys = TestData.Gaussian(21, count * dim), q = TestData.Gaussian(22, queries * dim);
        var options = new UniversalHopfieldOptions { Beta = 1f };
        var dense = new UniversalHopfieldMemory(keys, count, default, options);
        var sparse = new UniversalHopfieldMemory(keys, count, default, options with { SparseTolerance = 1e-6f });
        float[] expected = new float[queries * dim], actual = new float[queries * dim];
        dense.RetrieveBatch(q, queries, expected);
        sparse.RetrieveBatch(q, queries, actual);
        TestData.AssertClose(expected, actual, 1e-5f, "β=1 dim 64");
    }

    [Fact]
    public void SparseToleranceIsRangeChecked()
    {
        float[] keys = TestData.Gaussian(1, 20);
        foreach (float bad in new[] { -0.1f, 1f, float.NaN, float.PositiveInfinity })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(keys, 4, default, new UniversalHopfieldOptions { SparseTolerance = bad }));
            Assert.Contains("SparseTolerance", ex.Message, StringComparison.Ordinal);
        }
    }
}
