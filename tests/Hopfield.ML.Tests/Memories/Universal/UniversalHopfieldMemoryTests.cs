using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Universal;

public class UniversalHopfieldMemoryTests
{
    public static TheoryData<SimilarityFunction> AllSimilarities =>
        new() { SimilarityFunction.Dot, SimilarityFunction.Cosine, SimilarityFunction.NegativeEuclidean, SimilarityFunction.NegativeManhattan };

    private static UniversalHopfieldMemory Build(float[] keys, int count, float[]? values, SimilarityFunction sim, SeparationFunction sep, float beta = 1f, int k = 1, int degree = 2, int threads = 0)
        => new(keys, count, values ?? default, new UniversalHopfieldOptions { Similarity = sim, Separation = sep, Beta = beta, TopK = k, Degree = degree, Threads = threads });

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void MaxSeparationReturnsTheNearestNeighbour(SimilarityFunction sim)
    {
        const int count = 300, dim = 19, queries = 40;
        float[] keys = TestData.Gaussian(1, count * dim), q = TestData.Gaussian(2, queries * dim);
        var memory = Build(keys, count, null, sim, SeparationFunction.Max);
        var outputs = new float[queries * dim];
        memory.RetrieveBatch(q, queries, outputs);
        var nearest = new int[queries];
        memory.NearestBatch(q, queries, nearest);
        for (int i = 0; i < queries; i++)
        {
            int expected = TestData.ArgMax(TestData.Similarities(sim, keys, count, q.AsSpan(i * dim, dim)));
            Assert.Equal(expected, nearest[i]);
            Assert.Equal(expected, memory.Nearest(q.AsSpan(i * dim, dim)));
            Assert.Equal(keys.AsSpan(expected * dim, dim).ToArray(), outputs.AsSpan(i * dim, dim).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void HeteroAssociationReturnsTheValueOfTheNearestKey(SimilarityFunction sim)
    {
        const int count = 50, keyDim = 33, valueDim = 7;
        float[] keys = TestData.Gaussian(3, count * keyDim), values = TestData.Uniform(4, count * valueDim);
        var memory = Build(keys, count, values, sim, SeparationFunction.Max);
        Assert.Equal(keyDim, memory.KeyDimension);
        Assert.Equal(valueDim, memory.ValueDimension);
        for (int i = 0; i < count; i += 7)
        {
            // A noisy copy of key i still points to key i.
            float[] query = keys.AsSpan(i * keyDim, keyDim).ToArray();
            float[] noise = TestData.Gaussian(100 + i, keyDim, 0.05f);
            for (int j = 0; j < keyDim; j++)
            {
                query[j] += noise[j];
            }

            Assert.Equal(values.AsSpan(i * valueDim, valueDim).ToArray(), memory.Retrieve(query));
        }
    }

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void TopKWithKOneEqualsMax(SimilarityFunction sim)
    {
        const int count = 270, dim = 17, queries = 9;
        float[] keys = TestData.Gaussian(5, count * dim), q = TestData.Gaussian(6, queries * dim);
        var max = Build(keys, count, null, sim, SeparationFunction.Max);
        var top1 = Build(keys, count, null, sim, SeparationFunction.TopKSoftmax, beta: 3f, k: 1);
        var a = new float[queries * dim];
        var b = new float[queries * dim];
        max.RetrieveBatch(q, queries, a);
        top1.RetrieveBatch(q, queries, b);
        Assert.Equal(a, b);
    }

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void IdentitySeparationEqualsValuesTimesSimilarity(SimilarityFunction sim)
    {
        const int count = 70, keyDim = 13, valueDim = 5, queries = 4;
        float[] keys = TestData.Gaussian(7, count * keyDim), values = TestData.Gaussian(8, count * valueDim), q = TestData.Gaussian(9, queries * keyDim);
        var memory = Build(keys, count, values, sim, SeparationFunction.Identity);
        for (int i = 0; i < queries; i++)
        {
            var s = TestData.Similarities(sim, keys, count, q.AsSpan(i * keyDim, keyDim));
            float[] expected = TestData.Project(s, values, count);
            TestData.AssertClose(expected, memory.Retrieve(q.AsSpan(i * keyDim, keyDim)), 1e-4f);
        }
    }

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void SoftmaxMatchesBruteForceReference(SimilarityFunction sim)
    {
        const int count = 530, keyDim = 21, valueDim = 11, queries = 5;
        float[] keys = TestData.Gaussian(10, count * keyDim, 0.5f), values = TestData.Gaussian(11, count * valueDim), q = TestData.Gaussian(12, queries * keyDim, 0.5f);
        var memory = Build(keys, count, values, sim, SeparationFunction.Softmax, beta: 2f);
        var att = new float[count];
        var output = new float[valueDim];
        for (int i = 0; i < queries; i++)
        {
            var w = TestData.Softmax(TestData.Similarities(sim, keys, count, q.AsSpan(i * keyDim, keyDim)), 2.0);
            TestData.AssertClose(TestData.Project(w, values, count), memory.Retrieve(q.AsSpan(i * keyDim, keyDim)), 1e-4f, "fused");
            memory.Retrieve(q.AsSpan(i * keyDim, keyDim), output, att);
            TestData.AssertClose(w.Select(v => (float)v).ToArray(), att, 1e-4f, "attention");
            Assert.Equal(1.0, att.Sum(v => (double)v), 4);
        }
    }

    public static TheoryData<SimilarityFunction, SeparationFunction, int, int> FusedCases()
    {
        var data = new TheoryData<SimilarityFunction, SeparationFunction, int, int>();
        foreach (var sep in new[] { SeparationFunction.Softmax, SeparationFunction.Identity, SeparationFunction.TopKSoftmax, SeparationFunction.Max })
        {
            foreach (var sim in new[] { SimilarityFunction.Dot, SimilarityFunction.Cosine, SimilarityFunction.NegativeEuclidean, SimilarityFunction.NegativeManhattan })
            {
                data.Add(sim, sep, 600, 70);
            }
        }

        data.Add(SimilarityFunction.Dot, SeparationFunction.Polynomial, 600, 70);
        data.Add(SimilarityFunction.Cosine, SeparationFunction.Polynomial, 513, 3);
        data.Add(SimilarityFunction.Dot, SeparationFunction.Softmax, 1, 1);
        data.Add(SimilarityFunction.Dot, SeparationFunction.Softmax, 17, 65);
        return data;
    }

    [Theory]
    [MemberData(nameof(FusedCases))]
    public void FusedOnlineSoftmaxPathEqualsNaiveFullMatrixPath(SimilarityFunction sim, SeparationFunction sep, int count, int queries)
    {
        const int keyDim = 23, valueDim = 37;
        float[] keys = TestData.Gaussian(13, count * keyDim, 0.6f), values = TestData.Gaussian(14, count * valueDim), q = TestData.Gaussian(15, queries * keyDim, 0.6f);
        var memory = Build(keys, count, values, sim, sep, beta: 4f, k: Math.Min(5, count), degree: 3);
        var fused = new float[queries * valueDim];
        var naive = new float[queries * valueDim];
        var att = new float[queries * count];
        memory.RetrieveBatch(q, queries, fused);
        memory.RetrieveBatch(q, queries, naive, att);
        TestData.AssertClose(naive, fused, 2e-5f);
    }

    [Fact]
    public void PolynomialWeightsAreNormalisedReluPowers()
    {
        // Keys e0, e1, e2 and a query (2, 1, -3): dot scores (2, 1, -3); degree 2 → weights (4, 1, 0) / 5.
        float[] keys = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        var memory = Build(keys, 3, null, SimilarityFunction.Dot, SeparationFunction.Polynomial, degree: 2);
        var output = new float[3];
        var att = new float[3];
        memory.Retrieve([2, 1, -3], output, att);
        TestData.AssertClose([0.8f, 0.2f, 0f], att, 1e-6f);
        TestData.AssertClose([0.8f, 0.2f, 0f], memory.Retrieve([2f, 1f, -3f]), 1e-6f);

        // No positive score: zero output, zero attention.
        memory.Retrieve([-1, -1, -1], output, att);
        Assert.All(att, v => Assert.Equal(0f, v));
        Assert.All(memory.Retrieve([-1f, -1f, -1f]), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TopKAttentionHasExactlyKNonZeroWeightsOnTheBestKeys()
    {
        const int count = 40, dim = 8;
        float[] keys = TestData.Gaussian(16, count * dim), q = TestData.Gaussian(17, dim);
        var memory = Build(keys, count, null, SimilarityFunction.Dot, SeparationFunction.TopKSoftmax, beta: 0.5f, k: 4);
        var att = new float[count];
        memory.Retrieve(q, new float[dim], att);
        var s = TestData.Similarities(SimilarityFunction.Dot, keys, count, q);
        var best = Enumerable.Range(0, count).OrderByDescending(i => s[i]).Take(4).ToHashSet();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(best.Contains(i), att[i] > 0);
        }

        Assert.Equal(1.0, att.Sum(v => (double)v), 5);
    }

    [Theory]
    [InlineData(SimilarityFunction.Dot, SeparationFunction.Softmax)]
    [InlineData(SimilarityFunction.Cosine, SeparationFunction.TopKSoftmax)]
    [InlineData(SimilarityFunction.NegativeEuclidean, SeparationFunction.Softmax)]
    [InlineData(SimilarityFunction.Dot, SeparationFunction.Polynomial)]
    public void BatchEqualsSingleQueriesAndThreadCountDoesNotMatter(SimilarityFunction sim, SeparationFunction sep)
    {
        const int count = 700, dim = 29, queries = 150;
        float[] keys = TestData.Gaussian(18, count * dim, 0.4f), q = TestData.Gaussian(19, queries * dim, 0.4f);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3, 0 })
        {
            var memory = Build(keys, count, null, sim, sep, beta: 2f, k: 3, threads: threads);
            var batch = new float[queries * dim];
            memory.RetrieveBatch(q, queries, batch);
            first ??= batch;
            Assert.Equal(first, batch);
            if (threads == 1)
            {
                for (int i = 0; i < queries; i += 13)
                {
                    Assert.Equal(batch.AsSpan(i * dim, dim).ToArray(), memory.Retrieve(q.AsSpan(i * dim, dim)));
                }
            }
        }
    }

    [Fact]
    public void BatchesLargerThanTheBiggestQueryBlockEqualSingleQueries()
    {
        // 1,100 queries on one thread run as blocks of 504, 504 and 92; on two threads as 552 and 548 rows capped at 504.
        const int count = 300, dim = 23, queries = 1100;
        float[] keys = TestData.Gaussian(40, count * dim, 0.4f), q = TestData.Gaussian(41, queries * dim, 0.4f);
        foreach (int threads in new[] { 1, 2 })
        {
            var memory = Build(keys, count, null, SimilarityFunction.Dot, SeparationFunction.Softmax, beta: 1.5f, threads: threads);
            var batch = new float[queries * dim];
            memory.RetrieveBatch(q, queries, batch);
            foreach (int i in new[] { 0, 5, 503, 504, 1007, 1008, 1099 })
            {
                Assert.Equal(memory.Retrieve(q.AsSpan(i * dim, dim)), batch.AsSpan(i * dim, dim).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void GetKeyAndGetValueReturnExactlyWhatWasStored(SimilarityFunction sim)
    {
        // 131 pairs: a full tile of 128 and a short one; value rows of 45 = one 32-column slice and one of 13.
        const int count = 131, keyDim = 37, valueDim = 45;
        float[] keys = TestData.Gaussian(42, count * keyDim), values = TestData.Gaussian(43, count * valueDim);
        var memory = Build(keys, count, values, sim, SeparationFunction.Softmax);
        var half = new UniversalHopfieldMemory(keys, count, values, new UniversalHopfieldOptions { Similarity = sim, Storage = MemoryStorage.BFloat16 });
        static float Round(float v) => BFloat16.ToSingle(BFloat16.FromSingle(v));
        foreach (int i in new[] { 0, 15, 16, 127, 128, 130 })
        {
            Assert.Equal(keys.AsSpan(i * keyDim, keyDim).ToArray(), memory.GetKey(i));
            Assert.Equal(values.AsSpan(i * valueDim, valueDim).ToArray(), memory.GetValue(i));
            Assert.Equal(keys.AsSpan(i * keyDim, keyDim).ToArray().Select(Round), half.GetKey(i));
            Assert.Equal(values.AsSpan(i * valueDim, valueDim).ToArray().Select(Round), half.GetValue(i));
        }
    }

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void EverySimdLevelMatchesScalar(SimilarityFunction sim)
    {
        foreach (int dim in new[] { 1, 3, 17, 63, 65 })
        {
            const int count = 129, queries = 6;
            float[] keys = TestData.Gaussian(20 + dim, count * dim, 0.3f), q = TestData.Gaussian(21 + dim, queries * dim, 0.3f);
            var opts = new UniversalHopfieldOptions { Similarity = sim, Beta = 1.5f };
            var scalar = new float[queries * dim];
            new UniversalHopfieldMemory(keys, count, default, opts, SimdLevel.Scalar).RetrieveBatch(q, queries, scalar);
            foreach (SimdLevel level in SimdCapabilities.Supported)
            {
                var o = new float[queries * dim];
                new UniversalHopfieldMemory(keys, count, default, opts, level).RetrieveBatch(q, queries, o);
                TestData.AssertClose(scalar, o, 1e-5f, $"{level} dim={dim}");
            }
        }
    }

    [Fact]
    public void SimilaritiesAreTheRawScores()
    {
        const int count = 20, dim = 6;
        float[] keys = TestData.Gaussian(22, count * dim), q = TestData.Gaussian(23, dim);
        foreach (SimilarityFunction sim in Enum.GetValues<SimilarityFunction>())
        {
            var memory = Build(keys, count, null, sim, SeparationFunction.Softmax);
            var s = new float[count];
            memory.Similarities(q, s);
            TestData.AssertClose(TestData.Similarities(sim, keys, count, q).Select(v => (float)v).ToArray(), s, 1e-5f, sim.ToString());
        }
    }

    [Fact]
    public void FromRowsBuildsTheSameMemoryAsFlatData()
    {
        float[][] keys = [[1, 0], [0, 1], [1, 1]];
        float[][] values = [[10], [20], [30]];
        var m = UniversalHopfieldMemory.FromRows(keys, values, new UniversalHopfieldOptions { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Max });
        Assert.Equal(3, m.Count);
        Assert.Equal(2, m.KeyDimension);
        Assert.Equal(1, m.ValueDimension);
        Assert.Equal([20f], m.Retrieve([0.1f, 0.9f]));
        Assert.Equal([0f, 1f], m.GetKey(1));
        Assert.Equal([30f], m.GetValue(2));
    }

    [Fact]
    public void ConcurrentRetrievalsAgree()
    {
        const int count = 300, dim = 31;
        float[] keys = TestData.Gaussian(24, count * dim), q = TestData.Gaussian(25, dim);
        var memory = Build(keys, count, null, SimilarityFunction.Dot, SeparationFunction.Softmax, beta: 0.2f);
        float[] expected = memory.Retrieve(q);
        var results = new float[8][];
        Parallel.For(0, 8, i => results[i] = memory.Retrieve(q));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Theory]
    [MemberData(nameof(AllSimilarities))]
    public void HugeBetaSoftmaxDoesNotOverflowAndBecomesMax(SimilarityFunction sim)
    {
        const int count = 300, dim = 12, queries = 5;
        float[] keys = TestData.Gaussian(26, count * dim, 10f), q = TestData.Gaussian(27, queries * dim, 10f);
        var soft = Build(keys, count, null, sim, SeparationFunction.Softmax, beta: 1e30f);
        var max = Build(keys, count, null, sim, SeparationFunction.Max);
        var a = new float[queries * dim];
        var b = new float[queries * dim];
        var naive = new float[queries * dim];
        soft.RetrieveBatch(q, queries, a);
        soft.RetrieveBatch(q, queries, naive, new float[queries * count]);
        max.RetrieveBatch(q, queries, b);
        Assert.Equal(b, a);
        Assert.Equal(b, naive);
    }
}
