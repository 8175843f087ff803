using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Universal;

public class UniversalValidationTests
{
    private static readonly float[] Keys = [1, 2, 3, 4, 5, 6]; // 2 × 3

    [Fact]
    public void EmptyMemoryIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory([], 0));
        Assert.Contains("at least one", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => UniversalHopfieldMemory.FromRows([]));
    }

    [Fact]
    public void KeyLengthNotDivisibleByCountIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(Keys, 4));
        Assert.Equal("keys", e.ParamName);
    }

    [Fact]
    public void RaggedRowsAreRejectedNamingTheRow()
    {
        var e = Assert.Throws<ArgumentException>(() => UniversalHopfieldMemory.FromRows([[1, 2], [3]]));
        Assert.Contains("Key 1 has dimension 1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+infinity")]
    [InlineData(float.NegativeInfinity, "-infinity")]
    public void NonFiniteKeyIsRejectedNamingRowAndElement(float bad, string word)
    {
        float[] keys = (float[])Keys.Clone();
        keys[4] = bad;
        var e = Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(keys, 2));
        Assert.Contains($"Key 1 contains {word} at element 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFiniteValueIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(Keys, 2, [1, float.NaN]));
        Assert.Contains("Value 1 contains NaN at element 0", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => UniversalHopfieldMemory.FromRows([[1f], [2f]], [[1f]]));
    }

    [Fact]
    public void WrongQueryDimensionIsRejected()
    {
        var m = new UniversalHopfieldMemory(Keys, 2);
        var e = Assert.Throws<ArgumentException>(() => m.Retrieve([1f, 2f]));
        Assert.Contains("dimension 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("dimension 3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => m.RetrieveBatch(new float[7], 2, new float[6]));
        Assert.Throws<ArgumentException>(() => m.RetrieveBatch(new float[6], 2, new float[5]));
        Assert.Throws<ArgumentException>(() => m.RetrieveBatch(new float[6], 2, new float[6], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.RetrieveBatch([], -1, []));
    }

    [Fact]
    public void NonFiniteQueryIsRejectedNamingQueryAndElement()
    {
        var m = new UniversalHopfieldMemory(Keys, 2);
        var e = Assert.Throws<ArgumentException>(() => m.RetrieveBatch([0, 0, 0, 0, float.PositiveInfinity, 0], 2, new float[6]));
        Assert.Contains("Query 1 contains +infinity at element 1", e.Message, StringComparison.Ordinal);
        Assert.Equal("queries", e.ParamName);
        Assert.Throws<ArgumentException>(() => m.Nearest([float.NaN, 0, 0]));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void BadBetaIsRejected(float beta)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(Keys, 2, default, new UniversalHopfieldOptions { Beta = beta }));
        Assert.Contains("Beta", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-2)]
    public void TopKOutOfRangeIsRejected(int k)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(Keys, 2, default, new UniversalHopfieldOptions { Separation = SeparationFunction.TopKSoftmax, TopK = k }));
        Assert.Contains("TopK must be between 1 and", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void DegreeBelowOneIsRejected(int degree)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(Keys, 2, default, new UniversalHopfieldOptions { Separation = SeparationFunction.Polynomial, Degree = degree }));
        Assert.Contains("degree", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PolynomialWithDistanceSimilarityAndNegativeThreadsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(Keys, 2, default, new UniversalHopfieldOptions { Separation = SeparationFunction.Polynomial, Similarity = SimilarityFunction.NegativeEuclidean }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(Keys, 2, default, new UniversalHopfieldOptions { Threads = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(Keys, 2, default, new UniversalHopfieldOptions { Similarity = (SimilarityFunction)42 }));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 5)]
    [InlineData(3, 36)]
    public void NonFiniteValueAnywhereInALongBatchIsFound(int query, int element)
    {
        var m = new UniversalHopfieldMemory(new float[37 * 2], 2);
        var q = new float[4 * 37];
        q[(query * 37) + element] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => m.RetrieveBatch(q, 4, new float[4 * 37]));
        Assert.Contains($"Query {query} contains NaN at element {element}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SimilarityFunction.NegativeEuclidean, 1e19f)]
    [InlineData(SimilarityFunction.NegativeManhattan, 1e36f)]
    public void KeysWhoseScoresOverflowFloatAreRejected(SimilarityFunction similarity, float huge)
    {
        // Before: every score −∞, every weight 0, and an output of zeros with no word of why.
        float[] keys = TestData.Gaussian(3, 6 * 40);
        keys[(4 * 40) + 7] = -huge;
        var e = Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(keys, 6, default, new UniversalHopfieldOptions { Similarity = similarity }));
        Assert.Contains("Key 4 has a value of", e.Message, StringComparison.Ordinal);
        Assert.Contains("at element 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("overflow float", e.Message, StringComparison.Ordinal);
        Assert.Equal("keys", e.ParamName);
    }

    [Theory]
    [InlineData(SimilarityFunction.Dot, 1e16f, 1e21f)]
    [InlineData(SimilarityFunction.NegativeEuclidean, 1e16f, 1e18f)]
    [InlineData(SimilarityFunction.NegativeManhattan, 1e16f, 1e36f)]
    public void QueriesWhoseScoresOverflowFloatAreRejected(SimilarityFunction similarity, float keyScale, float huge)
    {
        const int dim = 40;
        float[] keys = TestData.Gaussian(4, 6 * dim, keyScale);
        var m = new UniversalHopfieldMemory(keys, 6, default, new UniversalHopfieldOptions { Similarity = similarity, Beta = 1f / keyScale });
        float[] q = TestData.Gaussian(5, 3 * dim, keyScale);
        var output = new float[3 * dim];
        m.RetrieveBatch(q, 3, output); // the keys' own scale is fine
        Assert.All(output, v => Assert.True(float.IsFinite(v)));

        q[(2 * dim) + 11] = huge;
        var e = Assert.Throws<ArgumentException>(() => m.RetrieveBatch(q, 3, output));
        Assert.Contains("Query 2 has a value of", e.Message, StringComparison.Ordinal);
        Assert.Contains("at element 11", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{similarity} scores", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => m.Retrieve(q.AsSpan(2 * dim, dim), new float[dim]));
        Assert.Contains("The query has a value of", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesWhoseWeightedSumCanOverflowAreRejectedAndCosineTakesAnyFiniteValue()
    {
        float[] keys = TestData.Gaussian(6, 8 * 5);
        float[] values = new float[8 * 3];
        values[(6 * 3) + 2] = 1e38f;
        var e = Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(keys, 8, values));
        Assert.Contains("Value 6 has a value of 1E+38 at element 2", e.Message, StringComparison.Ordinal);
        Assert.Equal("values", e.ParamName);

        // Auto-association: the keys are the values.
        float[] hugeKeys = (float[])keys.Clone();
        hugeKeys[3] = 3e38f;
        e = Assert.Throws<ArgumentException>(() => new UniversalHopfieldMemory(hugeKeys, 8));
        Assert.Contains("Key 0 has a value of 3E+38 at element 3", e.Message, StringComparison.Ordinal);
        Assert.Equal("keys", e.ParamName);

        // Cosine normalises in double: keys and queries near float's maximum retrieve as usual (small values).
        var m = new UniversalHopfieldMemory(hugeKeys, 8, new float[8 * 2], new UniversalHopfieldOptions { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Max });
        Assert.Equal(0, m.Nearest(hugeKeys.AsSpan(0, 5)));
    }
}
