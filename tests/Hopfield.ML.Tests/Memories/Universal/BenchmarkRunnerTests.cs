using Hopfield.ML.Diagnostics;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Tests.Memories.Universal;

public class BenchmarkRunnerTests
{
    [Fact]
    public void RetrievalReportsConsistentFigures()
    {
        var options = new RetrievalBenchmarkOptions { Patterns = 40, Dimension = 9, Queries = 13, Repeats = 3, Warmup = 0, Memory = new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan } };
        var r = RetrievalBenchmark.Run(options);
        Assert.Equal(3, r.Seconds.Count);
        Assert.All(r.Seconds, s => Assert.True(s > 0));
        Assert.Equal(r.Seconds.Order().ElementAt(1), r.MedianSeconds);
        Assert.Equal(4.0 * 40 * 9 * 13, r.FlopsPerBatch);
        Assert.Equal(13 / r.MedianSeconds, r.QueriesPerSecond, 6);
        Assert.Equal(r.FlopsPerBatch / r.MedianSeconds / 1e9, r.Gflops, 6);
        Assert.Equal(SimilarityFunction.NegativeManhattan, r.Options.Memory!.Similarity);
    }

    [Fact]
    public void RetrievalRejectsBadSizesByName()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalBenchmark.Run(new RetrievalBenchmarkOptions { Dimension = 0 }));
        Assert.Equal("Dimension", ex.ParamName);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalBenchmark.Run(new RetrievalBenchmarkOptions { Repeats = 0 }));
        Assert.Equal("Repeats", ex.ParamName);
    }

    [Fact]
    public void RecallSweepRepairsANoisyProbeAndReportsPackedBytes()
    {
        var r = RecallBenchmark.Run(new RecallBenchmarkOptions { Neurons = 4099, Patterns = 3, Noise = 0.1, Repeats = 2 });
        Assert.Equal(2, r.Seconds.Count);
        Assert.Equal(3L * ((4099 + 63) / 64) * sizeof(ulong), r.PatternBytes);
        Assert.True(r.Overlap > 0.95, $"overlap {r.Overlap}");
        Assert.Throws<ArgumentOutOfRangeException>(() => RecallBenchmark.Run(new RecallBenchmarkOptions { Noise = 1.5 }));
    }
}
