using Hopfield.ML.Memories;

namespace Hopfield.ML.Tests.Memories.Classical;

public class ClassicalHopfieldNetworkTests
{
    private static sbyte[][] RandomPatterns(int count, int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => BipolarVector.Random(n, rng)).ToArray();
    }

    [Theory]
    [InlineData(LearningRule.Hebbian, 200, 10)]
    [InlineData(LearningRule.Storkey, 200, 25)]
    [InlineData(LearningRule.PseudoInverse, 200, 100)]
    public void StoredPatterns_AreFixedPoints_BelowCapacity(LearningRule rule, int n, int p)
    {
        var net = new ClassicalHopfieldNetwork(n, rule);
        var patterns = RandomPatterns(p, n, 11);
        net.StoreRange(patterns);
        Assert.Equal(p, net.PatternCount);
        int fixedPoints = patterns.Count(x => net.IsFixedPoint(x));

        // Hebbian at α = 0.05 leaves each of the 10 patterns with an expected ~0.0001 unstable bits; Storkey and the
        // projection rule are exact or nearly so at these loads.
        Assert.Equal(p, fixedPoints);
        foreach (var xi in patterns.Take(5))
        {
            var r = net.Recall(xi);
            Assert.True(r.IsFixedPoint);
            Assert.Equal(1, r.Sweeps);
            Assert.Equal(xi, r.State);
        }
    }

    [Fact]
    public void PseudoInverse_StoresCorrelatedPatternsHebbianCannot()
    {
        // Patterns that share 80% of their bits: Hebbian cross-talk destroys them, the projection rule does not.
        int n = 100;
        var rng = new Random(3);
        var basis = BipolarVector.Random(n, rng);
        var patterns = Enumerable.Range(0, 8).Select(_ => BipolarVector.Corrupt(basis, 0.2, rng)).ToArray();
        var hebb = new ClassicalHopfieldNetwork(n, LearningRule.Hebbian);
        var pinv = new ClassicalHopfieldNetwork(n, LearningRule.PseudoInverse);
        hebb.StoreRange(patterns);
        pinv.StoreRange(patterns);
        Assert.All(patterns, p => Assert.True(pinv.IsFixedPoint(p)));
        Assert.True(patterns.Count(x => hebb.IsFixedPoint(x)) < patterns.Length);
    }

    [Theory]
    [InlineData(LearningRule.Hebbian)]
    [InlineData(LearningRule.Storkey)]
    [InlineData(LearningRule.PseudoInverse)]
    public void CorruptedPattern_Recovers(LearningRule rule)
    {
        int n = 256;
        var net = new ClassicalHopfieldNetwork(n, rule);
        var patterns = RandomPatterns(8, n, 21);
        net.StoreRange(patterns);
        var rng = new Random(1);
        foreach (var mode in new[] { BinaryUpdateMode.Asynchronous, BinaryUpdateMode.Synchronous })
        {
            var probe = BipolarVector.Corrupt(patterns[3], 0.2, rng);
            Assert.True(BipolarVector.Overlap(probe, patterns[3]) < 0.7);
            var r = net.Recall(probe, new BinaryRecallOptions { Mode = mode, Seed = 4 });
            Assert.True(r.Converged);
            Assert.Equal(BinaryRecallTermination.FixedPoint, r.Termination);
            Assert.Equal(patterns[3], r.State);
            Assert.Equal(r.Sweeps + 1, r.EnergyTrace.Count);
            Assert.True(r.EnergyTrace[^1] < r.EnergyTrace[0]);
            Assert.True(r.TotalFlips >= 50);
        }
    }

    [Theory]
    [InlineData(LearningRule.Hebbian, 1)]
    [InlineData(LearningRule.Hebbian, 2)]
    [InlineData(LearningRule.Storkey, 3)]
    [InlineData(LearningRule.PseudoInverse, 4)]
    public void AsynchronousUpdates_NeverRaiseEnergy(LearningRule rule, int seed)
    {
        // Property over many random networks and probes, including overloaded ones (spurious states, many flips).
        var rng = new Random(seed);
        for (int trial = 0; trial < 25; trial++)
        {
            int n = rng.Next(1, 90);
            int p = rng.Next(1, Math.Max(2, n / 2));
            var net = new ClassicalHopfieldNetwork(n, rule);
            net.StoreRange(RandomPatterns(p, n, rng.Next()));
            var probe = BipolarVector.Random(n, rng);
            double last = net.Energy(probe);
            var r = net.Recall(probe, new BinaryRecallOptions
            {
                Seed = trial,
                OnStep = (_, s) =>
                {
                    double e = net.Energy(s);
                    Assert.True(e <= last + 1e-4, $"energy rose from {last} to {e} (N={n}, P={p}, {rule})");
                    last = e;
                },
            });
            Assert.True(r.IsFixedPoint, "asynchronous updates of a symmetric network reach a fixed point");
            for (int k = 1; k < r.EnergyTrace.Count; k++)
            {
                Assert.True(r.EnergyTrace[k] <= r.EnergyTrace[k - 1] + 1e-4);
            }
        }
    }

    [Fact]
    public void Synchronous_DetectsTwoCycle()
    {
        // One pattern (1, 1): W_12 = 1/2. From (1, −1) synchronous updates swap the two neurons forever.
        var net = new ClassicalHopfieldNetwork(2);
        net.Store(new sbyte[] { 1, 1 });
        var r = net.Recall(new sbyte[] { 1, -1 }, new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, RecordStates = true });
        Assert.Equal(BinaryRecallTermination.TwoCycle, r.Termination);
        Assert.True(r.Converged);
        Assert.False(r.IsFixedPoint);
        Assert.Equal(2, r.Sweeps);
        Assert.Equal(new sbyte[] { 1, -1 }, r.States![0]);
        Assert.Equal(new sbyte[] { -1, 1 }, r.States[1]);
        Assert.Equal(new sbyte[] { 1, -1 }, r.States[2]);

        // Asynchronous updates from the same state settle in a fixed point instead.
        var a = net.Recall(new sbyte[] { 1, -1 });
        Assert.True(a.IsFixedPoint);
        Assert.True(a.State[0] == a.State[1]);
    }

    [Fact]
    public void MaxSweeps_IsReportedWhenNotConverged()
    {
        var net = new ClassicalHopfieldNetwork(256);
        net.StoreRange(RandomPatterns(4, 256, 2));
        var probe = BipolarVector.Corrupt(net.GetPattern(0), 0.3, new Random(2));
        var r = net.Recall(probe, new BinaryRecallOptions { MaxSweeps = 1 });
        Assert.Equal(BinaryRecallTermination.MaxSweeps, r.Termination);
        Assert.False(r.Converged);
        Assert.Equal(1, r.Sweeps);
    }

    [Fact]
    public void Callback_And_RecordedStates_SeeEverySweep()
    {
        var net = new ClassicalHopfieldNetwork(128);
        var patterns = RandomPatterns(3, 128, 8);
        net.StoreRange(patterns);
        var probe = BipolarVector.Corrupt(patterns[1], 0.25, new Random(9));
        var seen = new List<(int Sweep, double Wrong)>();
        var r = net.Recall(probe, new BinaryRecallOptions
        {
            Mode = BinaryUpdateMode.Synchronous,
            RecordStates = true,
            OnStep = (k, s) => seen.Add((k, BipolarVector.MismatchFraction(s, patterns[1]))),
        });
        Assert.Equal(r.Sweeps + 1, seen.Count);
        Assert.Equal(Enumerable.Range(0, r.Sweeps + 1), seen.Select(x => x.Sweep));
        Assert.Equal(0.25, seen[0].Wrong, 2);
        Assert.Equal(0.0, seen[^1].Wrong);
        Assert.Equal(r.Sweeps + 1, r.States!.Count);
        Assert.Equal(probe, r.States[0]);
        Assert.Equal(r.State, r.States[^1]);
    }

    [Fact]
    public void RecallBatch_EqualsSingleRecalls_AndNamesBadProbe()
    {
        var net = new ClassicalHopfieldNetwork(100);
        var patterns = RandomPatterns(5, 100, 3);
        net.StoreRange(patterns);
        var rng = new Random(2);
        var probes = patterns.Select(p => BipolarVector.Corrupt(p, 0.15, rng)).ToArray();
        var batch = net.RecallBatch(probes, new BinaryRecallOptions { Seed = 3 });
        for (int k = 0; k < probes.Length; k++)
        {
            Assert.Equal(net.Recall(probes[k], new BinaryRecallOptions { Seed = 3 }).State, batch[k].State);
            Assert.Equal(patterns[k], batch[k].State);
        }

        probes[3] = new sbyte[99];
        var ex = Assert.Throws<ArgumentException>(() => net.RecallBatch(probes));
        Assert.Equal("probes[3]", ex.ParamName);

        var dense = new DenseAssociativeMemory(100);
        dense.StoreRange(patterns);
        Assert.Equal(patterns[1], dense.RecallBatch([BipolarVector.Corrupt(patterns[1], 0.2, rng)])[0].State);
        Assert.Throws<InvalidOperationException>(() => new DenseAssociativeMemory(4).RecallBatch([new sbyte[] { 1, 1, 1, 1 }]));
    }

    [Fact]
    public void Seed_MakesAsynchronousRecallReproducible()
    {
        var net = new ClassicalHopfieldNetwork(200);
        net.StoreRange(RandomPatterns(30, 200, 5)); // overloaded: the end state depends on the order
        var probe = BipolarVector.Random(200, new Random(6));
        var a = net.Recall(probe, new BinaryRecallOptions { Seed = 42 });
        var b = net.Recall(probe, new BinaryRecallOptions { Seed = 42 });
        Assert.Equal(a.State, b.State);
        Assert.Equal(a.EnergyTrace, b.EnergyTrace);
    }

    [Fact]
    public void MegapixelHebbian_IsBitPacked()
    {
        int n = 1024 * 1024;
        var net = new ClassicalHopfieldNetwork(n);
        var rng = new Random(1);
        var patterns = RandomPatterns(10, n, 1);
        net.StoreRange(patterns);
        Assert.True(net.MemoryBytes < 2 * 1024 * 1024, $"packed patterns take {net.MemoryBytes} bytes");
        var probe = BipolarVector.Corrupt(patterns[7], 0.3, rng);
        var r = net.Recall(probe, new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, RecordEnergy = false });
        Assert.Equal(patterns[7], r.State);
        Assert.True(r.Sweeps <= 3);
    }

    [Fact]
    public void BadInputs_AreRejectedWithClearMessages()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassicalHopfieldNetwork(0));
        Assert.Equal("neurons", ex.ParamName);
        Assert.Contains("got 0", ex.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassicalHopfieldNetwork(10, (LearningRule)42));

        var big = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassicalHopfieldNetwork(100_000, LearningRule.Storkey));
        Assert.Contains("N = 100000", big.Message, StringComparison.Ordinal);
        Assert.Contains("Hebbian", big.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassicalHopfieldNetwork(100, LearningRule.PseudoInverse, maxWeightBytes: 1000));

        var net = new ClassicalHopfieldNetwork(4);
        var empty = Assert.Throws<InvalidOperationException>(() => net.Recall(new sbyte[] { 1, 1, 1, 1 }));
        Assert.Contains("no patterns", empty.Message, StringComparison.Ordinal);

        var len = Assert.Throws<ArgumentException>(() => net.Store(new sbyte[] { 1, 1, 1 }));
        Assert.Equal("pattern", len.ParamName);
        Assert.Contains("length 3", len.Message, StringComparison.Ordinal);
        Assert.Contains("expected 4", len.Message, StringComparison.Ordinal);

        var val = Assert.Throws<ArgumentException>(() => net.Store(new sbyte[] { 1, 0, 1, 1 }));
        Assert.Contains("pattern[1] = 0", val.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => net.Store(new sbyte[] { 1, 2, 1, 1 }));

        // An invalid value deep inside a long vector (past the SIMD blocks) is found and named too.
        var longNet = new ClassicalHopfieldNetwork(129);
        var bad = Enumerable.Repeat((sbyte)1, 129).ToArray();
        bad[100] = -2;
        Assert.Contains("pattern[100] = -2", Assert.Throws<ArgumentException>(() => longNet.Store(bad)).Message, StringComparison.Ordinal);
        bad[100] = 1;
        bad[128] = 0;
        Assert.Contains("pattern[128] = 0", Assert.Throws<ArgumentException>(() => longNet.Store(bad)).Message, StringComparison.Ordinal);

        net.Store(new sbyte[] { 1, -1, 1, -1 });
        var probe = Assert.Throws<ArgumentException>(() => net.Recall(new sbyte[] { 1, -1, 5, -1 }));
        Assert.Equal("probe", probe.ParamName);
        Assert.Contains("probe[2] = 5", probe.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => net.Recall(new sbyte[] { 1, -1 }));
        Assert.Throws<ArgumentException>(() => net.Energy(new sbyte[] { 1, -1, 1 }));
        Assert.Throws<ArgumentException>(() => net.ComputeLocalFields(new sbyte[] { 1, -1, 1, 1 }, new float[3]));
        var sweeps = Assert.Throws<ArgumentOutOfRangeException>(() => net.Recall(new sbyte[] { 1, -1, 1, -1 }, new BinaryRecallOptions { MaxSweeps = 0 }));
        Assert.Equal("MaxSweeps", sweeps.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.GetPattern(1));
        Assert.Throws<ArgumentException>(() => net.StoreRange(new sbyte[][] { null! }));

        Assert.Throws<ArgumentException>(() => BipolarVector.FromSigns(new[] { 1f, float.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BipolarVector.Corrupt(new sbyte[] { 1 }, 1.5, new Random(1)));
        Assert.Throws<ArgumentException>(() => BipolarVector.Overlap(new sbyte[] { 1 }, new sbyte[] { 1, 1 }));
    }

    [Fact]
    public void Conversions_MapSignsAndBooleans()
    {
        Assert.Equal(new sbyte[] { 1, -1, 1 }, BipolarVector.FromBooleans(new[] { true, false, true }));
        Assert.Equal(new sbyte[] { 1, -1, 1 }, BipolarVector.FromSigns(new[] { 0.7f, 0.2f, 0.5f }, 0.5f));
        Assert.Equal(new[] { true, false }, BipolarVector.ToBooleans(new sbyte[] { 1, -1 }));
        Assert.Equal(-1.0, BipolarVector.Overlap(new sbyte[] { 1, -1 }, new sbyte[] { -1, 1 }));
    }
}
