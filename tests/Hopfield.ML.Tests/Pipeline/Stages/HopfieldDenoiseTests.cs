using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.ML.Tests.Pipeline.Stages;

public sealed class HopfieldDenoiseTests
{
    private static float[][] RandomPatterns(int count, int dim, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dim).Select(_ => rng.NextSingle() < 0.5f ? 0f : 1f).ToArray()).ToArray();
    }

    [Fact]
    public void EstimatorCore_SchemaRoundTripAndBadSchema()
    {
        var ctx = new HopfieldContext(seed: 3);
        var train = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 20, dim: 5, seed: 1);
        var test = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 7, dim: 5, seed: 2);
        foreach (var source in new[] { MemorySource.TrainingRows, MemorySource.Prototypes })
        {
            var est = ctx.Transforms.HopfieldDenoise("Clean", "Features", beta: 3f, source: source);
            var schema = est.GetOutputSchema(train.Schema);
            Assert.Equal(new SchemaColumn("Clean", ColumnKind.Vector, 5), schema["Clean"]);
            var model = StageTestHelpers.CheckEstimatorCore(ctx, est, train, test, "Clean");
            var stage = Assert.IsType<HopfieldDenoiseTransformer>(model);
            Assert.Equal(source == MemorySource.Prototypes ? 12 : 60, stage.PatternCount);
        }

        StageTestHelpers.RejectsSchema(() => ctx.Transforms.HopfieldDenoise("Clean", "Nope").GetOutputSchema(train.Schema), "Nope");
        StageTestHelpers.RejectsSchema(() => ctx.Transforms.HopfieldDenoise("Clean", "Label").Fit(train), "Label");
        StageTestHelpers.RejectsSchema(() => ctx.Transforms.HopfieldDenoise("Clean", "Features", source: MemorySource.Prototypes, labelColumnName: "Class").Fit(train), "Class");

        // A fitted stage rejects a column of another size, naming it.
        var fitted = ctx.Transforms.HopfieldDenoise("Clean", "Features").Fit(train);
        var other = ctx.Data.FromArrays("Features", new float[12], 4);
        StageTestHelpers.RejectsSchema(() => fitted.Transform(other), "Features");
    }

    [Fact]
    public void RecoversNoisyStoredPattern()
    {
        var ctx = new HopfieldContext(seed: 1);
        var patterns = RandomPatterns(20, 64, seed: 5);
        var est = ctx.Transforms.HopfieldDenoise("Clean", "Features", new HopfieldDenoiseEstimator.Options
        {
            Source = MemorySource.Patterns,
            Patterns = patterns,
            Beta = 8f,
        });
        var rng = new Random(9);
        var noisy = new float[20 * 64];
        for (int i = 0; i < 20; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                // flip 10% of the bits and add small Gaussian noise
                float v = rng.NextSingle() < 0.1f ? 1f - patterns[i][j] : patterns[i][j];
                noisy[(i * 64) + j] = v + (0.1f * PipelineTestData.Gaussian(rng));
            }
        }

        var data = ctx.Data.FromArrays("Features", noisy, 64);
        var model = est.Fit(data);
        var clean = model.Transform(data).GetColumn("Clean");
        for (int i = 0; i < 20; i++)
        {
            var row = clean.GetVector(i);
            for (int j = 0; j < 64; j++)
            {
                Assert.Equal(patterns[i][j], row[j], 2);
            }
        }

        Assert.Equal(patterns[3], model.Denoise(noisy.AsSpan(3 * 64, 64)).Select(v => MathF.Round(v, 3)).ToArray());
    }

    [Fact]
    public void ConfidenceGatePassesAmbiguousRowsThrough()
    {
        var ctx = new HopfieldContext(seed: 1);
        float[][] patterns = [[1f, 0f], [0f, 1f]];
        var est = ctx.Transforms.HopfieldDenoise("Clean", "Features", new HopfieldDenoiseEstimator.Options
        {
            Source = MemorySource.Patterns,
            Patterns = patterns,
            Beta = 20f,
            ConfidenceGate = 0.9f,
        });
        var data = ctx.Data.FromArrays("Features", new float[] { 0.5f, 0.5f, 0.9f, 0.1f }, 2);
        var clean = est.Fit(data).Transform(data).GetColumn("Clean");
        Assert.Equal([0.5f, 0.5f], clean.GetVector(0).ToArray());     // equidistant: weight 0.5 < gate, unchanged
        Assert.Equal(1f, clean.GetVector(1)[0], 3);                     // confident: retrieved
    }

    [Fact]
    public void ExcludeIdenticalGivesLeaveOneOutRetrievals()
    {
        var ctx = new HopfieldContext(seed: 1);
        float[] rows = [0f, 0f, 1f, 0f, 0f, 3f];
        var data = ctx.Data.FromArrays("Features", rows, 2);
        var options = new HopfieldDenoiseEstimator.Options { Beta = 1f, ExcludeIdentical = true };
        var model = ctx.Transforms.HopfieldDenoise("Clean", "Features", options).Fit(data);
        Assert.True(model.ExcludeIdentical);
        var clean = model.Transform(data).GetColumn("Clean");

        // Row 0 = (0,0) sees only (1,0) at distance 1 and (0,3) at distance 3: weights ∝ e^-1, e^-3.
        float w1 = MathF.Exp(-1f), w2 = MathF.Exp(-3f);
        Assert.Equal(w1 / (w1 + w2), clean.GetVector(0)[0], 4);
        Assert.Equal(3f * w2 / (w1 + w2), clean.GetVector(0)[1], 4);

        // A query that is not stored is retrieved from all three patterns as usual.
        var other = ctx.Data.FromArrays("Features", new float[] { 0.1f, 0f }, 2);
        var plain = ctx.Transforms.HopfieldDenoise("Clean", "Features", new HopfieldDenoiseEstimator.Options { Beta = 1f }).Fit(data);
        Assert.Equal(plain.Transform(other).GetColumn("Clean").GetFloats().ToArray(), model.Transform(other).GetColumn("Clean").GetFloats().ToArray(),
            new FloatTolerance(1e-5f));
        StageTestHelpers.CheckEstimatorCore(ctx, ctx.Transforms.HopfieldDenoise("Clean", "Features", options), data, data, "Clean");
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }

    [Fact]
    public void MultipleStepsAndTopKAndCapping()
    {
        var ctx = new HopfieldContext(seed: 4);
        var train = PipelineTestData.BlobSet(ctx, classes: 4, perClass: 50, dim: 6, seed: 1);
        var est = ctx.Transforms.HopfieldDenoise("Clean", "Features", new HopfieldDenoiseEstimator.Options
        {
            Separation = SeparationFunction.TopKSoftmax,
            TopK = 3,
            Steps = 3,
            MaxPatterns = 50,
            Seed = 7,
        });
        var model = StageTestHelpers.CheckEstimatorCore(ctx, est, train, train, "Clean");
        var stage = (HopfieldDenoiseTransformer)model;
        Assert.Equal(50, stage.PatternCount);
        Assert.Equal(3, stage.Steps);

        // Same seed, same subsample.
        var again = (HopfieldDenoiseTransformer)ctx.Transforms.HopfieldDenoise("Clean", "Features", new HopfieldDenoiseEstimator.Options { MaxPatterns = 50, Seed = 7 }).Fit(train);
        Assert.Equal(stage.Patterns.ToArray(), again.Patterns.ToArray());
    }

    [Fact]
    public void ConcurrentTransformsAgree()
    {
        var ctx = new HopfieldContext(seed: 4);
        var train = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 300, dim: 8, seed: 1);
        var model = ctx.Transforms.HopfieldDenoise("Clean", "Features").Fit(train);
        var expected = model.Transform(train).GetColumn("Clean").GetFloats().ToArray();
        var results = new float[4][];
        Parallel.For(0, 4, i => results[i] = model.Transform(train).GetColumn("Clean").GetFloats().ToArray());
        foreach (var r in results)
        {
            Assert.Equal(expected, r);
        }
    }

    [Fact]
    public void BadOptionsAreRejectedWithTheParameterNamed()
    {
        var ctx = new HopfieldContext(seed: 1);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Transforms.HopfieldDenoise("x", beta: 0f)).ParamName);
        Assert.Equal("Steps", Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Transforms.HopfieldDenoise("x", null, new HopfieldDenoiseEstimator.Options { Steps = 0 })).ParamName);
        Assert.Equal("Patterns", Assert.Throws<ArgumentException>(() => ctx.Transforms.HopfieldDenoise("x", null, new HopfieldDenoiseEstimator.Options { Source = MemorySource.Patterns })).ParamName);
        var ragged = Assert.Throws<ArgumentException>(() => ctx.Transforms.HopfieldDenoise("x", null,
            new HopfieldDenoiseEstimator.Options { Source = MemorySource.Patterns, Patterns = [[1f, 2f], [1f]] }));
        Assert.Contains("Pattern 1", ragged.Message, StringComparison.Ordinal);
        Assert.Equal("ConfidenceGate", Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Transforms.HopfieldDenoise("x", null, new HopfieldDenoiseEstimator.Options { ConfidenceGate = 1f })).ParamName);
    }
}
