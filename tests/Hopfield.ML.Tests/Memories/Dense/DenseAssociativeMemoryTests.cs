using Hopfield.ML.Memories;

namespace Hopfield.ML.Tests.Memories.Dense;

public class DenseAssociativeMemoryTests
{
    private static sbyte[][] RandomPatterns(int count, int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => BipolarVector.Random(n, rng)).ToArray();
    }

    private static double F(DenseInteraction kind, int degree, double beta, double x) => kind switch
    {
        DenseInteraction.Exponential => Math.Exp(beta * x),
        DenseInteraction.RectifiedPolynomial => x > 0 ? Math.Pow(x, degree) : 0,
        _ => Math.Pow(x, degree),
    };

    /// <summary>The paper's update rule, literally: s_i ← sign Σ_μ [F(ξ_μi + Σ_{j≠i} ξ_μj s_j) − F(−ξ_μi + Σ_{j≠i} ξ_μj s_j)].</summary>
    private static sbyte[] ReferenceSynchronousStep(sbyte[][] patterns, sbyte[] s, DenseInteraction kind, int degree, double beta)
    {
        int n = s.Length;
        var next = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            double h = 0;
            foreach (var xi in patterns)
            {
                double rest = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j != i)
                    {
                        rest += xi[j] * s[j];
                    }
                }

                h += F(kind, degree, beta, xi[i] + rest) - F(kind, degree, beta, -xi[i] + rest);
            }

            next[i] = h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : s[i];
        }

        return next;
    }

    [Theory]
    [InlineData(1, DenseInteraction.RectifiedPolynomial, 3)]
    [InlineData(3, DenseInteraction.RectifiedPolynomial, 3)]
    [InlineData(17, DenseInteraction.Polynomial, 3)]
    [InlineData(63, DenseInteraction.RectifiedPolynomial, 4)]
    [InlineData(65, DenseInteraction.Polynomial, 2)]
    [InlineData(127, DenseInteraction.Exponential, 0)]
    [InlineData(129, DenseInteraction.RectifiedPolynomial, 5)]
    public void SynchronousStep_EqualsLiteralPaperRule(int n, DenseInteraction kind, int degree)
    {
        var rng = new Random(n);
        var patterns = RandomPatterns(Math.Max(1, n / 4), n, n + 1);
        var mem = new DenseAssociativeMemory(n, kind, kind == DenseInteraction.Exponential ? 2 : degree, beta: kind == DenseInteraction.Exponential ? 0.2 : 1.0);
        mem.StoreRange(patterns);
        for (int t = 0; t < 4; t++)
        {
            var s = t == 0 ? BipolarVector.Corrupt(patterns[0], 0.3, rng) : BipolarVector.Random(n, rng);
            var expected = ReferenceSynchronousStep(patterns, s, kind, degree, mem.Beta);
            var r = mem.Recall(s, new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, MaxSweeps = 1, RecordStates = true });
            Assert.Equal(expected, r.States![1]);
        }
    }

    [Fact]
    public void PlainQuadratic_FollowsHebbianTrajectory()
    {
        int n = 101;
        var patterns = RandomPatterns(25, n, 4); // overloaded so that trajectories are non-trivial
        var dense = new DenseAssociativeMemory(n, DenseInteraction.Polynomial, 2);
        var hebb = new ClassicalHopfieldNetwork(n);
        dense.StoreRange(patterns);
        hebb.StoreRange(patterns);
        var rng = new Random(5);
        foreach (var mode in new[] { BinaryUpdateMode.Synchronous, BinaryUpdateMode.Asynchronous })
        {
            for (int t = 0; t < 5; t++)
            {
                var probe = BipolarVector.Random(n, rng);
                var options = new BinaryRecallOptions { Mode = mode, Seed = t, RecordStates = true };
                var a = dense.Recall(probe, options);
                var b = hebb.Recall(probe, options);
                Assert.Equal(b.States!.Count, a.States!.Count);
                for (int k = 0; k < a.States.Count; k++)
                {
                    Assert.Equal(b.States[k], a.States[k]);
                }

                // E_dense = −Σ m² = 2N·E_hebb − P·N for F(x) = x².
                Assert.Equal((2.0 * n * hebb.Energy(a.State)) - (25.0 * n), dense.Energy(a.State), 6);
            }
        }
    }

    [Fact]
    public void Cubic_RecallsBeyondHebbianCapacity()
    {
        int n = 200;
        int p = 60; // α = 0.3, more than twice the Hebbian 0.138
        var patterns = RandomPatterns(p, n, 12);
        var dense = new DenseAssociativeMemory(n, DenseInteraction.RectifiedPolynomial, 3);
        var hebb = new ClassicalHopfieldNetwork(n);
        dense.StoreRange(patterns);
        hebb.StoreRange(patterns);

        Assert.All(patterns, x => Assert.True(dense.IsFixedPoint(x)));
        Assert.True(patterns.Count(x => hebb.IsFixedPoint(x)) < p / 2, "Hebbian network is overloaded at α = 0.3");

        var rng = new Random(3);
        double hebbOverlap = 0;
        for (int k = 0; k < 10; k++)
        {
            var probe = BipolarVector.Corrupt(patterns[k], 0.1, rng);
            var r = dense.Recall(probe, new BinaryRecallOptions { Seed = k });
            Assert.Equal(patterns[k], r.State);
            hebbOverlap += BipolarVector.Overlap(hebb.Recall(probe).State, patterns[k]) / 10;
        }

        Assert.True(hebbOverlap < 0.9, $"Hebbian mean overlap {hebbOverlap}");
    }

    [Fact]
    public void Exponential_StoresMorePatternsThanNeurons()
    {
        int n = 64;
        int p = 256; // α = 4
        var patterns = RandomPatterns(p, n, 8);
        var mem = new DenseAssociativeMemory(n, DenseInteraction.Exponential);
        mem.StoreRange(patterns);
        var rng = new Random(1);
        for (int k = 0; k < 20; k++)
        {
            var probe = BipolarVector.Corrupt(patterns[k * 12], 0.1, rng);
            var r = mem.Recall(probe, new BinaryRecallOptions { Mode = k % 2 == 0 ? BinaryUpdateMode.Synchronous : BinaryUpdateMode.Asynchronous });
            Assert.Equal(patterns[k * 12], r.State);
        }
    }

    [Fact]
    public void Exponential_LargeN_DoesNotOverflow()
    {
        int n = 5000; // exp(5000) overflows a double by far
        var patterns = RandomPatterns(20, n, 2);
        var mem = new DenseAssociativeMemory(n, DenseInteraction.Exponential, beta: 3.0);
        mem.StoreRange(patterns);
        var probe = BipolarVector.Corrupt(patterns[5], 0.4, new Random(4));
        var r = mem.Recall(probe, new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous });
        Assert.Equal(patterns[5], r.State);
        Assert.All(r.EnergyTrace, e => Assert.True(double.IsFinite(e)));
        Assert.Equal(-1.0, mem.Energy(patterns[5]), 6); // scaled: −Σ exp(β(m − N)), the pattern itself contributes 1
    }

    [Theory]
    [InlineData(DenseInteraction.RectifiedPolynomial, 3)]
    [InlineData(DenseInteraction.RectifiedPolynomial, 4)]
    [InlineData(DenseInteraction.Polynomial, 3)]
    [InlineData(DenseInteraction.Exponential, 2)]
    public void AsynchronousUpdates_NeverRaiseEnergy(DenseInteraction kind, int degree)
    {
        var rng = new Random(degree * 17);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(2, 70);
            int p = rng.Next(1, 3 * n);
            var mem = new DenseAssociativeMemory(n, kind, degree, kind == DenseInteraction.Exponential ? 0.5 : 1.0);
            mem.StoreRange(RandomPatterns(p, n, rng.Next()));
            var r = mem.Recall(BipolarVector.Random(n, rng), new BinaryRecallOptions { Seed = trial });
            Assert.True(r.IsFixedPoint);
            for (int k = 1; k < r.EnergyTrace.Count; k++)
            {
                double prev = r.EnergyTrace[k - 1];
                Assert.True(r.EnergyTrace[k] <= prev + (1e-9 * Math.Abs(prev)), $"energy rose at sweep {k}: {prev} → {r.EnergyTrace[k]} (N={n}, P={p})");
            }
        }
    }

    [Fact]
    public void BadInputs_AreRejected()
    {
        var deg = Assert.Throws<ArgumentOutOfRangeException>(() => new DenseAssociativeMemory(10, DenseInteraction.RectifiedPolynomial, 1));
        Assert.Equal("degree", deg.ParamName);
        Assert.Contains("got 1", deg.Message, StringComparison.Ordinal);
        Assert.Equal("neurons", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseAssociativeMemory(0)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseAssociativeMemory(10, DenseInteraction.Exponential, beta: 0)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseAssociativeMemory(10, DenseInteraction.Exponential, beta: double.NaN)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseAssociativeMemory(10, DenseInteraction.Polynomial, 3, beta: 2)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseAssociativeMemory(10, (DenseInteraction)9));
        _ = new DenseAssociativeMemory(10, DenseInteraction.Exponential, degree: 0); // degree is ignored by exp

        var mem = new DenseAssociativeMemory(3);
        Assert.Throws<InvalidOperationException>(() => mem.Recall(new sbyte[] { 1, 1, 1 }));
        Assert.Contains("pattern[2] = 0", Assert.Throws<ArgumentException>(() => mem.Store(new sbyte[] { 1, 1, 0 })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => mem.Store(new sbyte[] { 1, 1 }));
        mem.Store(new sbyte[] { 1, -1, 1 });
        Assert.Throws<ArgumentException>(() => mem.Recall(new sbyte[] { 1, -1, 3 }));
        Assert.Throws<ArgumentException>(() => mem.Energy(new sbyte[] { 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => mem.GetPattern(-1));
    }
}
