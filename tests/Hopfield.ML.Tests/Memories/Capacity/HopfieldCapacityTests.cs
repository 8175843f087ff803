using Hopfield.ML.Memories;
using Xunit.Abstractions;

namespace Hopfield.ML.Tests.Memories.Capacity;

public class HopfieldCapacityTests(ITestOutputHelper output)
{
    private CapacityResult Measure(CapacityOptions options)
    {
        var result = HopfieldCapacity.Measure(options);
        output.WriteLine($"{result.Description} N={result.Neurons}: α = {result.Alpha:0.###} ± {result.AlphaStdDev:0.###} (theory {result.Theoretical:0.###}); per trial {string.Join(", ", result.CriticalPatternCounts)}");
        return result;
    }

    [Fact]
    public void Hebbian_CriticalLoad_IsNearAmitGutfreundSompolinsky()
    {
        var r = Measure(new CapacityOptions { Neurons = 600, Trials = 3, Seed = 1 });
        Assert.InRange(r.Alpha, 0.10, 0.18);
        Assert.Equal(0.138, r.Theoretical);
        Assert.False(r.SearchLimitReached);
        Assert.Equal(3, r.TrialAlphas.Count);
        Assert.True(r.AlphaStdDev >= 0 && r.AlphaStdDev < 0.04);
        Assert.Equal(LearningRule.Hebbian, r.Rule);
        Assert.Null(r.Degree);
    }

    [Fact]
    public void Storkey_BeatsHebbian_AndPseudoInverseBeatsStorkey()
    {
        const int n = 200;
        var hebb = Measure(new CapacityOptions { Neurons = n, Trials = 2, Seed = 2 });
        var storkey = Measure(new CapacityOptions { Neurons = n, Trials = 2, Seed = 2, Rule = LearningRule.Storkey });
        var pinv = Measure(new CapacityOptions { Neurons = n, Trials = 2, Seed = 2, Rule = LearningRule.PseudoInverse });
        Assert.True(storkey.Alpha > hebb.Alpha + 0.03, $"Storkey {storkey.Alpha} vs Hebbian {hebb.Alpha}");
        Assert.True(pinv.Alpha > storkey.Alpha + 0.2, $"pseudo-inverse {pinv.Alpha} vs Storkey {storkey.Alpha}");
        Assert.True(storkey.Theoretical > hebb.Theoretical);
        Assert.Equal(1.0, pinv.Theoretical);
    }

    [Fact]
    public void DenseCapacity_GrowsWithDegree()
    {
        const int n = 64;
        var alphas = new List<double>();
        foreach (int degree in new[] { 2, 3, 4 })
        {
            var r = Measure(new CapacityOptions { Model = CapacityModel.Dense, Degree = degree, Neurons = n, Trials = 2, SampleSize = 16, Seed = 3 });
            Assert.Equal(degree, r.Degree);
            Assert.False(r.SearchLimitReached);
            alphas.Add(r.Alpha);
        }

        Assert.True(alphas[1] > 2 * alphas[0], $"n=3 {alphas[1]} vs n=2 {alphas[0]}");
        Assert.True(alphas[2] > 2 * alphas[1], $"n=4 {alphas[2]} vs n=3 {alphas[1]}");
        Assert.True(
            HopfieldCapacity.TheoreticalLoad(new CapacityOptions { Model = CapacityModel.Dense, Degree = 4, Neurons = n })
            > HopfieldCapacity.TheoreticalLoad(new CapacityOptions { Model = CapacityModel.Dense, Degree = 3, Neurons = n }));
    }

    [Fact]
    public void Progress_IsMonotoneAndEndsAtOne()
    {
        var seen = new List<double>();
        var progress = new SynchronousProgress(seen.Add);
        var r = HopfieldCapacity.Measure(new CapacityOptions { Neurons = 100, Trials = 2 }, progress);
        Assert.NotEmpty(seen);
        Assert.Equal(1.0, seen[^1]);
        for (int k = 1; k < seen.Count; k++)
        {
            Assert.True(seen[k] >= seen[k - 1]);
        }

        Assert.True(seen.Count > 4);
        Assert.True(r.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public void SameSeed_GivesSameResult()
    {
        var a = HopfieldCapacity.Measure(new CapacityOptions { Neurons = 150, Trials = 2, Seed = 9 });
        var b = HopfieldCapacity.Measure(new CapacityOptions { Neurons = 150, Trials = 2, Seed = 9 });
        Assert.Equal(a.CriticalPatternCounts, b.CriticalPatternCounts);
    }

    [Fact]
    public void SeedMixing_IsFixedAcrossProcesses()
    {
        // Pinned values: the mixing must not depend on per-process hash randomisation.
        Assert.Equal(HopfieldCapacity.Mix(1, 2), HopfieldCapacity.Mix(1, 2));
        Assert.NotEqual(HopfieldCapacity.Mix(1, 2), HopfieldCapacity.Mix(2, 1));
        Assert.Equal(PinnedMix12, HopfieldCapacity.Mix(1, 2));
    }

    [Fact]
    public void Cancellation_IsHonoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => HopfieldCapacity.Measure(new CapacityOptions { Neurons = 100 }, null, cts.Token));
    }

    [Fact]
    public void BadOptions_AreRejected()
    {
        void Bad(CapacityOptions o, string param)
        {
            var ex = Assert.ThrowsAny<ArgumentException>(() => HopfieldCapacity.Measure(o));
            Assert.Equal(param, ex.ParamName);
        }

        Bad(new CapacityOptions { Neurons = 0 }, "Neurons");
        Bad(new CapacityOptions { Trials = 0 }, "Trials");
        Bad(new CapacityOptions { Model = CapacityModel.Dense, Degree = 1 }, "Degree");
        Bad(new CapacityOptions { OverlapThreshold = 1.5 }, "OverlapThreshold");
        Bad(new CapacityOptions { OverlapThreshold = double.NaN }, "OverlapThreshold");
        Bad(new CapacityOptions { SampleSize = 0 }, "SampleSize");
        Bad(new CapacityOptions { MaxSweeps = 0 }, "MaxSweeps");
        Bad(new CapacityOptions { MaxLoad = -1 }, "MaxLoad");
        Bad(new CapacityOptions { ProbeFlipFraction = 0.7 }, "ProbeFlipFraction");
        Bad(new CapacityOptions { Model = CapacityModel.Dense, Interaction = DenseInteraction.Exponential, Beta = 0 }, "Beta");
        Bad(new CapacityOptions { Rule = LearningRule.Storkey, Neurons = 1_000_000 }, "Neurons");
        Bad(new CapacityOptions { Rule = (LearningRule)7 }, "Rule");
        Assert.Throws<ArgumentNullException>(() => HopfieldCapacity.Measure(null!));
    }

    private const int PinnedMix12 = 340815906;

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
