using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Semantic;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Tests.Models;

namespace Hopfield.ML.Onnx.Tests.Semantic;

/// <summary>φ(x) = x sorted ascending: invariant to any permutation of the input (a stand-in for an invariant encoder).</summary>
internal sealed class SortFeatureMap(int dim) : IFeatureMap
{
    public int InputDimension => dim;

    public int OutputDimension => dim;

    public void Map(ReadOnlySpan<float> inputs, int count, Span<float> outputs)
    {
        inputs[..(count * dim)].CopyTo(outputs);
        for (int r = 0; r < count; r++)
        {
            outputs.Slice(r * dim, dim).Sort();
        }
    }
}

/// <summary>φ(x) = first two components, or NaN when x[0] is negative.</summary>
internal sealed class PoisonFeatureMap(int dim) : IFeatureMap
{
    public int InputDimension => dim;

    public int OutputDimension => 2;

    public void Map(ReadOnlySpan<float> inputs, int count, Span<float> outputs)
    {
        for (int r = 0; r < count; r++)
        {
            outputs[2 * r] = inputs[r * dim] < 0 ? float.NaN : inputs[r * dim];
            outputs[(2 * r) + 1] = inputs[(r * dim) + 1];
        }
    }
}

public class SemanticMemoryTests
{
    private const int Dim = 12;

    private static float[] Patterns(int count, int seed) => TestModels.Random(count * Dim, seed);

    private static float[] Reverse(float[] data, int count)
    {
        float[] r = (float[])data.Clone();
        for (int i = 0; i < count; i++)
        {
            r.AsSpan(i * Dim, Dim).Reverse();
        }

        return r;
    }

    // Dot is left out: with unnormalised keys the key of largest norm wins whatever the query (a property of dot similarity).
    [Theory]
    [InlineData(SimilarityFunction.Cosine)]
    [InlineData(SimilarityFunction.NegativeEuclidean)]
    [InlineData(SimilarityFunction.NegativeManhattan)]
    public void InvariantFeatureMapRetrievesTheExactOriginalOfAPermutedQuery(SimilarityFunction similarity)
    {
        const int count = 20;
        float[] stored = Patterns(count, 5);
        var memory = new SemanticMemory(new SortFeatureMap(Dim), stored, count, new UniversalHopfieldOptions { Similarity = similarity, Separation = SeparationFunction.Max });
        float[] queries = Reverse(stored, count);
        float[] outputs = new float[count * Dim];
        int[] nearest = new int[count];
        memory.RetrieveBatch(queries, count, outputs, nearest);
        Assert.Equal(Enumerable.Range(0, count), nearest);
        Assert.Equal(stored, outputs);

        // In pixel space the reversed queries do not come back (the check that the test can fail).
        var pixel = new UniversalHopfieldMemory(stored, count, default, new UniversalHopfieldOptions { Similarity = similarity, Separation = SeparationFunction.Max });
        int[] pixelNearest = new int[count];
        pixel.NearestBatch(queries, count, pixelNearest);
        Assert.True(pixelNearest.Where((n, i) => n == i).Count() < count / 2);
    }

    [Fact]
    public void SingleRetrieveMatchesBatchAndReportsAttention()
    {
        const int count = 9;
        float[] stored = Patterns(count, 8);
        var memory = new SemanticMemory(new SortFeatureMap(Dim), stored, count, new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan, Beta = 3f });
        float[] q = Reverse(stored, count).AsSpan(4 * Dim, Dim).ToArray();
        var r = memory.Retrieve(q);
        Assert.Equal(4, r.Index);
        Assert.Equal(count, r.Attention.Length);
        Assert.Equal(1f, r.Attention.Sum(), 4);
        Assert.Equal(4, Array.IndexOf(r.Attention, r.Attention.Max()));
        float[] batch = new float[Dim];
        memory.RetrieveBatch(q, 1, batch);
        TestModels.AssertClose(batch, r.Output, 1e-6f);

        // softmax output = Σ attention_i · original_i
        float[] mix = new float[Dim];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < Dim; k++)
            {
                mix[k] += r.Attention[i] * stored[(i * Dim) + k];
            }
        }

        TestModels.AssertClose(mix, r.Output, 1e-5f);
        Assert.Equal(4, memory.Nearest(q));
        Assert.Equal(stored.AsSpan(2 * Dim, Dim).ToArray(), memory.GetOriginal(2));
        float[] sorted = stored.AsSpan(2 * Dim, Dim).ToArray();
        Array.Sort(sorted);
        Assert.Equal(sorted, memory.GetEmbedding(2));
    }

    [Fact]
    public void FromEmbeddingsEqualsTheConstructor()
    {
        const int count = 7;
        float[] stored = Patterns(count, 2);
        var map = new SortFeatureMap(Dim);
        var options = new UniversalHopfieldOptions { Similarity = SimilarityFunction.Cosine, Beta = 5f };
        var a = new SemanticMemory(map, stored, count, options);
        var b = SemanticMemory.FromEmbeddings(map, a.Embed(stored, count), stored, count, options);
        float[] q = Patterns(3, 99);
        float[] oa = new float[3 * Dim], ob = new float[3 * Dim];
        a.RetrieveBatch(q, 3, oa);
        b.RetrieveBatch(q, 3, ob);
        Assert.Equal(oa, ob);
        Assert.Equal(Dim, b.EmbeddingDimension);
        Assert.Equal(Dim, b.InputDimension);
        Assert.Equal(count, b.Count);
    }

    [Fact]
    public void ValidatesInputs()
    {
        var map = new SortFeatureMap(Dim);
        var e = Assert.Throws<ArgumentException>(() => new SemanticMemory(map, new float[(2 * Dim) + 1], 2));
        Assert.Equal("originals", e.ParamName);
        Assert.Contains("input dimension 12", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new SemanticMemory(null!, new float[Dim], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticMemory(map, [], 0));

        float[] bad = new float[Dim];
        bad[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => new SemanticMemory(map, bad, 1));

        float[] poisoned = Patterns(2, 1);
        poisoned[0] = 0.5f;
        poisoned[Dim] = -1f;
        e = Assert.Throws<ArgumentException>(() => new SemanticMemory(new PoisonFeatureMap(Dim), poisoned, 2));
        Assert.Contains("row 1", e.Message, StringComparison.Ordinal);

        var memory = new SemanticMemory(map, Patterns(2, 3), 2);
        e = Assert.Throws<ArgumentException>(() => memory.Retrieve(new float[Dim - 1]));
        Assert.Contains("dimension 11", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => memory.RetrieveBatch(new float[2 * Dim], 2, new float[Dim]));
        Assert.Throws<ArgumentException>(() => memory.RetrieveBatch(new float[2 * Dim], 2, new float[2 * Dim], new int[1]));
        e = Assert.Throws<ArgumentException>(() => SemanticMemory.FromEmbeddings(map, new float[Dim], new float[2 * Dim], 2));
        Assert.Equal("embeddings", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticMemory(map, Patterns(2, 3), 2, new UniversalHopfieldOptions { Beta = 0 }));
    }
}

public class FullySemanticMemoryTests
{
    [Fact]
    public void MaxSeparationReturnsTheDecodedStoredEmbedding()
    {
        using var encoder = OnnxFeatureMap.FromFile(CommittedModels.ModelPath("autoencoder_encoder"));
        using var decoder = OnnxFeatureMap.FromFile(CommittedModels.ModelPath("autoencoder_decoder"));
        float[] images = CommittedModels.ReferenceImages();
        int count = images.Length / encoder.InputDimension;
        var memory = new FullySemanticMemory(encoder, decoder, images, count, new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan, Separation = SeparationFunction.Max });
        Assert.Equal(32, memory.EmbeddingDimension);
        Assert.Equal(784, memory.OutputDimension);

        float[] outputs = new float[count * 784];
        int[] nearest = new int[count];
        memory.RetrieveBatch(images, count, outputs, nearest);
        Assert.Equal(Enumerable.Range(0, count), nearest);
        float[] expected = CommittedModels.ReadFloats("autoencoder_decoder.reference.f32");
        TestModels.AssertClose(expected, outputs, 1e-4f);
        TestModels.AssertClose(expected.AsSpan(3 * 784, 784), memory.Decode(3), 1e-4f);
        TestModels.AssertClose(CommittedModels.ReadFloats("autoencoder_encoder.reference.f32").AsSpan(5 * 32, 32), memory.GetEmbedding(5), 1e-4f);

        var single = memory.Retrieve(images.AsSpan(2 * 784, 784));
        Assert.Equal(2, single.Index);
        Assert.Equal(1f, single.Attention[2]);
        TestModels.AssertClose(expected.AsSpan(2 * 784, 784), single.Output, 1e-4f);
    }

    [Fact]
    public void SemanticMemoryOverAnOnnxEncoderFindsStoredImages()
    {
        using var encoder = OnnxFeatureMap.FromFile(CommittedModels.ModelPath("autoencoder_encoder"));
        float[] images = CommittedModels.ReferenceImages();
        int count = images.Length / 784;
        var memory = new SemanticMemory(encoder, images, count, new UniversalHopfieldOptions { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Max });
        float[] outputs = new float[images.Length];
        int[] nearest = new int[count];
        memory.RetrieveBatch(images, count, outputs, nearest);
        Assert.Equal(Enumerable.Range(0, count), nearest);
        Assert.Equal(images, outputs);
    }

    [Fact]
    public void ValidatesDimensions()
    {
        var enc = new SortFeatureMap(4);
        var e = Assert.Throws<ArgumentException>(() => new FullySemanticMemory(enc, new SortFeatureMap(5), new float[4], 1));
        Assert.Equal("decoder", e.ParamName);
        Assert.Contains("5", e.Message, StringComparison.Ordinal);
        Assert.Contains("4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new FullySemanticMemory(enc, new SortFeatureMap(4), new float[5], 1));
        Assert.Equal("inputs", e.ParamName);
        var m = new FullySemanticMemory(enc, new SortFeatureMap(4), [1, 2, 3, 4, 4, 3, 2, 1], 2);
        Assert.Throws<ArgumentException>(() => m.Retrieve(new float[3]));
        Assert.Throws<ArgumentException>(() => FullySemanticMemory.FromEmbeddings(enc, new SortFeatureMap(4), new float[5], 1));
    }
}
