using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Export;

/// <summary>Every exported universal memory runs in ONNX Runtime and agrees with the C# memory within 1e-4.</summary>
public class UniversalExportTests
{
    public static TheoryData<SimilarityFunction, SeparationFunction> Combinations()
    {
        var data = new TheoryData<SimilarityFunction, SeparationFunction>();
        foreach (var sim in Enum.GetValues<SimilarityFunction>())
        {
            foreach (var sep in Enum.GetValues<SeparationFunction>())
            {
                if (sep == SeparationFunction.Polynomial && sim is SimilarityFunction.NegativeEuclidean or SimilarityFunction.NegativeManhattan)
                {
                    continue; // rejected by the memory itself
                }

                data.Add(sim, sep);
            }
        }

        return data;
    }

    private static (float[] Retrieved, float[] Attention) RunExported(UniversalHopfieldMemory memory, float[] queries, int batch)
    {
        using var session = OnnxSession.FromBytes(OnnxExport.UniversalHopfield(memory));
        Assert.Equal([-1L, memory.KeyDimension], Assert.Single(session.Inputs).Shape);
        var outputs = session.Run(new Dictionary<string, OnnxTensor> { [OnnxExport.QueryInputName] = new(queries, batch, memory.KeyDimension) });
        Assert.Equal([(long)batch, memory.ValueDimension], outputs[OnnxExport.RetrievedOutputName].Shape);
        Assert.Equal([(long)batch, memory.Count], outputs[OnnxExport.AttentionOutputName].Shape);
        return (outputs[OnnxExport.RetrievedOutputName].ToArray(), outputs[OnnxExport.AttentionOutputName].ToArray());
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void ExportedHeteroAssociativeMemoryMatchesCSharp(SimilarityFunction similarity, SeparationFunction separation)
    {
        const int count = 23, keyDim = 17, valueDim = 5, batch = 6;
        float[] keys = TestModels.Random(count * keyDim, seed: 11 + (int)similarity);
        float[] values = TestModels.Random(count * valueDim, seed: 5);
        float[] queries = TestModels.Random(batch * keyDim, seed: 3 + (int)separation);
        queries.AsSpan(0, keyDim).Clear(); // a zero query (cosine: similarity 0 with everything)
        keys.AsSpan(2 * keyDim, keyDim).CopyTo(queries.AsSpan(keyDim, keyDim)); // a stored key
        var options = new UniversalHopfieldOptions
        {
            Similarity = similarity,
            Separation = separation,
            Beta = similarity == SimilarityFunction.Cosine ? 8f : 0.7f,
            TopK = 4,
            Degree = 3,
        };
        var memory = new UniversalHopfieldMemory(keys, count, values, options);
        float[] expected = new float[batch * valueDim];
        float[] expectedAttention = new float[batch * count];
        memory.RetrieveBatch(queries, batch, expected, expectedAttention);

        var (retrieved, attention) = RunExported(memory, queries, batch);
        float tol = separation == SeparationFunction.Identity ? 1e-4f * keyDim : 1e-4f;
        if (separation is SeparationFunction.Max)
        {
            Assert.Equal(expectedAttention, attention);
        }

        TestModels.AssertClose(expectedAttention, attention, tol);
        TestModels.AssertClose(expected, retrieved, tol);
    }

    [Theory]
    [InlineData(SimilarityFunction.NegativeManhattan)]
    [InlineData(SimilarityFunction.NegativeEuclidean)]
    [InlineData(SimilarityFunction.Cosine)]
    public void ExportedMaxMemoryReturnsTheExactStoredPatternOfACorruptedQuery(SimilarityFunction similarity)
    {
        const int count = 40, dim = 64;
        float[] patterns = TestModels.Random(count * dim, seed: 21);
        var memory = new UniversalHopfieldMemory(patterns, count, default, new UniversalHopfieldOptions { Similarity = similarity, Separation = SeparationFunction.Max });
        float[] q = patterns.AsSpan(17 * dim, dim).ToArray();
        for (int i = 0; i < dim; i += 5)
        {
            q[i] = -q[i];
        }

        var (retrieved, attention) = RunExported(memory, q, 1);
        Assert.Equal(patterns.AsSpan(17 * dim, dim).ToArray(), retrieved);
        Assert.Equal(17, Array.IndexOf(attention, 1f));
        Assert.Equal(memory.Nearest(q), Array.IndexOf(attention, 1f));
    }

    [Fact]
    public void TiesGoToTheLowestIndexLikeTheCSharpMemory()
    {
        float[] keys = [1, 0, 0, 1, 1, 0];
        var memory = new UniversalHopfieldMemory(keys, 3, [10, 20, 30], new UniversalHopfieldOptions { Separation = SeparationFunction.Max });
        var (retrieved, _) = RunExported(memory, [1, 0], 1);
        Assert.Equal([10f], retrieved);
        Assert.Equal(0, memory.Nearest([1f, 0f]));
    }

    [Fact]
    public void DocStringNamesTheSettingsAndNullIsRejected()
    {
        Assert.Throws<ArgumentNullException>(() => OnnxExport.UniversalHopfield(null!));
        var memory = new UniversalHopfieldMemory([1, 2, 3, 4], 2, default, new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan, Beta = 2.5f });
        byte[] model = OnnxExport.UniversalHopfield(memory);
        string text = System.Text.Encoding.UTF8.GetString(model);
        Assert.Contains("NegativeManhattan", text, StringComparison.Ordinal);
        Assert.Contains("beta 2.5", text, StringComparison.Ordinal);
    }
}
