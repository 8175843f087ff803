using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Memories;

/// <summary>Runs alone: these tests replace the process-wide <see cref="MemoryLimits.Default"/>.</summary>
[CollectionDefinition(nameof(MemoryLimitsCollection), DisableParallelization = true)]
public sealed class MemoryLimitsCollection;

[Collection(nameof(MemoryLimitsCollection))]
public sealed class MemoryLimitsTests
{
    [Fact]
    public void CheckElements_NamesTheCap_WithoutOverflow()
    {
        var limits = new MemoryLimits { MaxElements = 1000 };
        limits.CheckElements(10, 100, "keys");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => limits.CheckElements(11, 100, "keys"));
        Assert.Equal("keys", e.ParamName);
        Assert.Contains("11 patterns × 100 values exceed the limit of 1000 stored values (MemoryLimits.MaxElements)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryLimits.Default.CheckElements(long.MaxValue, long.MaxValue, "keys"));
    }

    [Fact]
    public void CheckBatch_NamesTheCap()
    {
        var limits = new MemoryLimits { MaxBatchSize = 8 };
        limits.CheckBatch(8, "count");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => limits.CheckBatch(9, "count"));
        Assert.Contains("A batch of 9 queries exceeds the limit of 8 (MemoryLimits.MaxBatchSize)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreDocumentedValues_AndNullIsRefused()
    {
        Assert.Equal(1L << 30, MemoryLimits.Default.MaxElements);
        Assert.Equal(1 << 24, MemoryLimits.Default.MaxBatchSize);
        Assert.Throws<ArgumentNullException>(() => MemoryLimits.Default = null!);
    }

    [Fact]
    public void MemoryOverTheCap_IsRefusedBeforeCopying_AndBatchOverTheCapToo()
    {
        var saved = MemoryLimits.Default;
        try
        {
            MemoryLimits.Default = new MemoryLimits { MaxElements = 12, MaxBatchSize = 2 };
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(new float[15], 5));
            Assert.Contains("MemoryLimits.MaxElements", e.Message, StringComparison.Ordinal);
            var values = Assert.Throws<ArgumentOutOfRangeException>(() => new UniversalHopfieldMemory(new float[4], 2, new float[14]));
            Assert.Equal("values", values.ParamName);

            var m = new UniversalHopfieldMemory(new float[12], 4); // 4 × 3: at the cap
            var b = Assert.Throws<ArgumentOutOfRangeException>(() => m.RetrieveBatch(new float[9], 3, new float[9]));
            Assert.Contains("MemoryLimits.MaxBatchSize", b.Message, StringComparison.Ordinal);
            m.RetrieveBatch(new float[6], 2, new float[6]);
        }
        finally
        {
            MemoryLimits.Default = saved;
        }
    }

    [Fact]
    public void ModelTensorOverTheCap_IsRefusedBeforeCopying()
    {
        var ctx = new HopfieldContext(seed: 1);
        var train = ctx.Data.FromArrays("Features", new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 4);
        var model = ctx.Transforms.NormalizeMeanVariance("Features").Fit(train);
        using var ms = new MemoryStream();
        ctx.Model.Save(model, null, ms);
        var saved = MemoryLimits.Default;
        try
        {
            MemoryLimits.Default = new MemoryLimits { MaxElements = 3 };
            var e = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(new MemoryStream(ms.ToArray()), out _));
            Assert.Contains("has 4 elements, more than MemoryLimits.MaxElements = 3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            MemoryLimits.Default = saved;
        }

        Assert.NotNull(ctx.Model.Load(new MemoryStream(ms.ToArray()), out _));
    }
}
