using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.ML.Onnx.Tests.Export;

/// <summary>A fitted HopfieldPool stage exported to ONNX pools like the stage, padding and empty bags included.</summary>
public class PoolExportTests
{
    private const int Dim = 8, Slots = 5, Classes = 3;

    [Theory]
    [InlineData(PoolingQuery.BagMean, SimilarityFunction.Cosine, true, 8f)]
    [InlineData(PoolingQuery.BagMean, SimilarityFunction.NegativeEuclidean, true, 2f)]
    [InlineData(PoolingQuery.Seeds, SimilarityFunction.NegativeManhattan, true, 1f)]
    [InlineData(PoolingQuery.Seeds, SimilarityFunction.Dot, false, 1f)]
    [InlineData(PoolingQuery.BagMean, SimilarityFunction.Dot, false, 0.5f)]
    public void ExportedPoolMatchesTheStage(PoolingQuery query, SimilarityFunction similarity, bool includeBag, float beta)
    {
        var ctx = new HopfieldContext(seed: 5);
        var (train, _) = Bags(ctx, 45, seed: 1);
        var (test, bags) = Bags(ctx, 20, seed: 2);
        var stage = (HopfieldPoolTransformer)ctx.Transforms.HopfieldPool("Pooled", "Bag", new HopfieldPoolEstimator.Options
        {
            InstanceDimension = Dim,
            Query = query,
            SeedCount = 3,
            Similarity = similarity,
            Beta = beta,
            IncludeBag = includeBag,
            PrototypesPerClass = 2,
        }).Fit(train);
        float[] expected = stage.Transform(test).GetColumn("Pooled").GetFloats().ToArray();

        using var session = OnnxSession.FromBytes(OnnxExport.HopfieldPool(stage));
        var outputs = session.Run(new Dictionary<string, OnnxTensor> { [OnnxExport.BagInputName] = new(bags, 20, Slots * Dim) });
        TestModels.AssertClose(expected, outputs[OnnxExport.PooledOutputName].Span, 1e-4f);

        // Every query's attention sums to 1, and padding slots get none of it.
        float[] attention = outputs[OnnxExport.AttentionOutputName].ToArray();
        int memory = attention.Length / (20 * stage.QueryCount);
        for (int r = 0; r < 20; r++)
        {
            for (int q = 0; q < stage.QueryCount; q++)
            {
                var row = attention.AsSpan(((r * stage.QueryCount) + q) * memory, memory);
                bool anyKey = includeBag ? bags.AsSpan(r * Slots * Dim, Slots * Dim).ContainsAnyExcept(0f) || stage.PrototypeLabels.Count > 0 : true;
                if (anyKey)
                {
                    Assert.InRange(System.Numerics.Tensors.TensorPrimitives.Sum(row), 0.999f, 1.001f);
                }

                for (int slot = 0; includeBag && slot < Slots; slot++)
                {
                    if (!bags.AsSpan(((r * Slots) + slot) * Dim, Dim).ContainsAnyExcept(0f))
                    {
                        Assert.True(row[slot] < 1e-6f, $"bag {r}, padding slot {slot} got attention {row[slot]}");
                    }
                }
            }
        }
    }

    /// <summary>Bags of 0–5 instances (class direction + noise), zero rows as padding; bag 0 of every set is empty.</summary>
    private static (DataSet Data, float[] Bags) Bags(HopfieldContext ctx, int count, int seed)
    {
        var rng = new Random(seed);
        var bags = new float[count * Slots * Dim];
        var labels = new int[count];
        for (int b = 0; b < count; b++)
        {
            labels[b] = b % Classes;
            int n = b == 0 ? 0 : 1 + rng.Next(Slots);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < Dim; j++)
                {
                    bags[(((b * Slots) + i) * Dim) + j] = (j % Classes == labels[b] ? 1f : 0f) + (0.3f * (float)((rng.NextDouble() * 2) - 1));
                }
            }
        }

        return (ctx.Data.FromArrays("Bag", bags, Slots * Dim, "Label", labels, Classes), bags);
    }
}
