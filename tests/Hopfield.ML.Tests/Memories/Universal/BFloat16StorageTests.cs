using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Universal;

public class BFloat16StorageTests
{
    public static TheoryData<SimilarityFunction, SeparationFunction> Cases => new()
    {
        { SimilarityFunction.Dot, SeparationFunction.Softmax },
        { SimilarityFunction.NegativeEuclidean, SeparationFunction.Softmax },
        { SimilarityFunction.NegativeManhattan, SeparationFunction.TopKSoftmax },
        { SimilarityFunction.Dot, SeparationFunction.Max },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsAFloat32MemoryOfTheRoundedPatterns(SimilarityFunction sim, SeparationFunction sep)
    {
        const int count = 300, dim = 37, queries = 70;
        float[] keys = TestData.Gaussian(31, count * dim), q = TestData.Gaussian(32, queries * dim);
        float[] rounded = keys.Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))).ToArray();
        var options = new UniversalHopfieldOptions { Similarity = sim, Separation = sep, Beta = 0.5f, TopK = 3 };
        foreach (SimdLevel level in SimdCapabilities.Supported)
        {
            var half = new UniversalHopfieldMemory(keys, count, default, options with { Storage = MemoryStorage.BFloat16 }, level);
            var full = new UniversalHopfieldMemory(rounded, count, default, options, level);
            float[] a = new float[queries * dim], b = new float[queries * dim], attA = new float[queries * count], attB = new float[queries * count];
            half.RetrieveBatch(q, queries, a);
            full.RetrieveBatch(q, queries, b);
            Assert.Equal(b, a);
            half.RetrieveBatch(q, queries, a, attA);
            full.RetrieveBatch(q, queries, b, attB);
            Assert.Equal(b, a);
            Assert.Equal(attB, attA);
            Assert.Equal(rounded.AsSpan(5 * dim, dim).ToArray(), half.GetKey(5));
        }
    }

    [Fact]
    public void FindsTheSameNearestPatternAsFloat32AndRetrievesWithin1Percent()
    {
        // Queries are stored patterns plus noise: the answer is well defined and bfloat16 must not change it.
        const int count = 500, dim = 64, queries = 100;
        float[] keys = TestData.Gaussian(41, count * dim), noise = TestData.Gaussian(42, queries * dim, 0.3f);
        var q = new float[queries * dim];
        for (int i = 0; i < queries; i++)
        {
            for (int t = 0; t < dim; t++)
            {
                q[(i * dim) + t] = keys[((i * 7 % count) * dim) + t] + noise[(i * dim) + t];
            }
        }

        var options = new UniversalHopfieldOptions { Beta = 0.5f };
        var full = new UniversalHopfieldMemory(keys, count, default, options);
        var half = new UniversalHopfieldMemory(keys, count, default, options with { Storage = MemoryStorage.BFloat16 });
        int[] nf = new int[queries], nh = new int[queries];
        full.NearestBatch(q, queries, nf);
        half.NearestBatch(q, queries, nh);
        Assert.Equal(nf, nh);
        float[] a = new float[queries * dim], b = new float[queries * dim];
        full.RetrieveBatch(q, queries, a);
        half.RetrieveBatch(q, queries, b);
        TestData.AssertClose(a, b, 0.01f * 4, "bf16 vs f32 retrieval (values ~N(0,1), 8-bit mantissa)");
    }
}
