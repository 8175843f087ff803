using Hopfield.ML.Memories;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.FeatureMaps;

public class OnnxFeatureMapTests
{
    private const int Pixels = 4, Features = 3;
    private static readonly float[] W = TestModels.Random(Pixels * Features, seed: 21);
    private static readonly float[] B = TestModels.Random(Features, seed: 22);

    /// <summary>An "image encoder": [batch, 1, 2, 2] → Reshape → MatMul → Add → [batch, 3] (or a dynamic output).</summary>
    private static byte[] Encoder(bool dynamicOutput = false, long batch = -1)
    {
        var b = new OnnxModelBuilder("encoder");
        if (batch > 0)
        {
            b.AddInput("image", batch, 1, 2, 2);
        }
        else
        {
            b.AddInput("image", "batch", 1, 2, 2);
        }

        b.AddInitializer("w", W, Pixels, Features);
        b.AddInitializer("b", B, Features);
        b.AddNode("Flatten", ["image"], ["flat"], OnnxAttribute.Int("axis", 1));
        b.AddNode("MatMul", ["flat", "w"], ["xw"]);
        if (dynamicOutput)
        {
            // A Reshape whose target shape is computed (Cast of a float constant) hides the feature size from shape inference.
            b.AddNode("Add", ["xw", "b"], ["sum"]);
            b.AddInitializer("shape_f", [-1f, Features], 2);
            b.AddNode("Cast", ["shape_f"], ["shape_i"], OnnxAttribute.Int("to", 7));
            b.AddNode("Reshape", ["sum", "shape_i"], ["embedding"]);
            b.AddOutput("embedding", "batch", "features");
        }
        else if (batch > 0)
        {
            b.AddNode("Add", ["xw", "b"], ["embedding"]);
            b.AddOutput("embedding", batch, Features);
        }
        else
        {
            b.AddNode("Add", ["xw", "b"], ["embedding"]);
            b.AddOutput("embedding", "batch", Features);
        }

        return b.Build();
    }

    [Theory]
    [InlineData(1, 256, false)]
    [InlineData(10, 3, false)]
    [InlineData(17, 4, true)]
    [InlineData(65, 8, true)]
    public void Map_ImageInput_MatchesReference(int count, int batchSize, bool parallel)
    {
        using var map = OnnxFeatureMap.FromBytes(Encoder(), new OnnxFeatureMapOptions { BatchSize = batchSize, ParallelBatches = parallel });
        Assert.Equal(Pixels, map.InputDimension);
        Assert.Equal(Features, map.OutputDimension);
        Assert.Equal([-1L, 1, 2, 2], map.InputShape);
        Assert.Equal("image", map.InputName);
        Assert.Equal("embedding", map.OutputName);
        float[] x = TestModels.Random(count * Pixels, seed: count);
        float[] y = new float[count * Features];
        ((IFeatureMap)map).Map(x, count, y);
        TestModels.AssertClose(TestModels.LinearReference(x, count, W, B, Pixels, Features), y, 1e-5f);
    }

    [Fact]
    public void DynamicOutputShape_FoundByProbe()
    {
        using var session = OnnxSession.FromBytes(Encoder(dynamicOutput: true), new OnnxSessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.DisableAll });
        Assert.Equal([-1L, -1], session.Outputs[0].Shape);
        using var map = new OnnxFeatureMap(session);
        Assert.Equal(Features, map.OutputDimension);
        float[] x = TestModels.Random(5 * Pixels, seed: 5);
        TestModels.AssertClose(TestModels.LinearReference(x, 5, W, B, Pixels, Features), map.Map(x), 1e-5f);
    }

    [Fact]
    public void FixedBatchModel_PadsTheLastBatch()
    {
        using var map = OnnxFeatureMap.FromBytes(Encoder(batch: 2), new OnnxFeatureMapOptions { BatchSize = 100 });
        Assert.Equal(2, map.BatchSize);
        float[] x = TestModels.Random(5 * Pixels, seed: 9);
        TestModels.AssertClose(TestModels.LinearReference(x, 5, W, B, Pixels, Features), map.Map(x), 1e-5f);
    }

    [Fact]
    public void FlatInput_FromModernHopfieldExport()
    {
        const int count = 12, dim = 6;
        float[] patterns = TestModels.Random(count * dim, seed: 31);
        using var map = OnnxFeatureMap.FromBytes(OnnxExport.ModernHopfield(patterns, count, dim, 2f));
        Assert.Equal(dim, map.InputDimension);
        Assert.Equal(dim, map.OutputDimension);
        using var session = OnnxSession.FromBytes(OnnxExport.ModernHopfield(patterns, count, dim, 2f));
        float[] q = TestModels.Random(7 * dim, seed: 32);
        Assert.Equal(session.Run(new OnnxTensor(q, 7, dim)).ToArray(), map.Map(q));
    }

    [Fact]
    public void Map_ConcurrentCallers_AgreeWithSequential()
    {
        using var map = OnnxFeatureMap.FromBytes(Encoder(), new OnnxFeatureMapOptions { BatchSize = 7 });
        float[] x = TestModels.Random(40 * Pixels, seed: 41);
        float[] expected = map.Map(x);
        var results = new float[8][];
        Parallel.For(0, 8, i => results[i] = map.Map(x));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Map_BadArguments_ClearErrors()
    {
        using var map = OnnxFeatureMap.FromBytes(Encoder());
        var e = Assert.Throws<ArgumentException>(() => map.Map(new float[7], 2, new float[6]));
        Assert.Equal("inputs", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => map.Map(new float[8], 2, new float[5]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Map(new float[8], -1, new float[6]));
        e = Assert.Throws<ArgumentException>(() => map.Map(new float[7]));
        Assert.Contains("multiple of the input dimension 4", e.Message, StringComparison.Ordinal);
        map.Map(ReadOnlySpan<float>.Empty, 0, Span<float>.Empty);
    }

    [Fact]
    public void Options_Validated()
    {
        using var session = OnnxSession.FromBytes(Encoder());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxFeatureMap(session, new OnnxFeatureMapOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => new OnnxFeatureMap(session, new OnnxFeatureMapOptions { InputName = "pixels" }));
        Assert.Throws<ArgumentException>(() => new OnnxFeatureMap(session, new OnnxFeatureMapOptions { OutputName = "logits" }));
    }

    [Fact]
    public void DisposeTwice_Harmless_AndUseAfterDispose_Throws()
    {
        var map = OnnxFeatureMap.FromBytes(Encoder());
        map.Dispose();
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.Map(new float[Pixels]));
    }

    [Fact]
    public void BorrowedSession_NotDisposedByMap()
    {
        using var session = OnnxSession.FromBytes(Encoder());
        using (var map = new OnnxFeatureMap(session))
        {
            Assert.Equal(Features, map.OutputDimension);
        }

        Assert.Single(session.Run(new OnnxTensor(new float[Pixels], 1, 1, 2, 2)).Shape.Take(1));
    }
}
