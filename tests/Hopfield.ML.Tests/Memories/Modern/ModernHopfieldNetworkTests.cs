using Hopfield.ML.Memories.Modern;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Modern;

public class ModernHopfieldNetworkTests
{
    private const int Dim = 64;
    private const int Count = 12;

    private static float[] Patterns() => TestData.Gaussian(31, Count * Dim);

    private static float[] Noisy(float[] patterns, int index, int seed, float noise)
    {
        float[] q = patterns.AsSpan(index * Dim, Dim).ToArray();
        float[] n = TestData.Gaussian(seed, Dim, noise);
        for (int i = 0; i < Dim; i++)
        {
            q[i] += n[i];
        }

        return q;
    }

    private static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }

        return Math.Sqrt(s);
    }

    [Fact]
    public void OneStepRetrievalErrorShrinksAsBetaGrowsAndVanishesForSeparatedPatterns()
    {
        float[] x = Patterns();
        float[] betas = [0.003f, 0.01f, 0.03f, 0.1f, 0.3f, 1f, 8f];
        for (int target = 0; target < Count; target += 5)
        {
            float[] query = Noisy(x, target, 40 + target, 0.3f);
            var errors = betas.Select(b =>
            {
                var net = new ModernHopfieldNetwork(x, Count, new ModernHopfieldOptions { Beta = b });
                var r = net.Retrieve(query);
                Assert.Equal(1, r.Steps);
                return Distance(r.State, x.AsSpan(target * Dim, Dim));
            }).ToArray();

            Assert.True(errors[0] > 1.0, $"at β = {betas[0]} the state should still be a blend (error {errors[0]})");
            for (int i = 1; i < errors.Length; i++)
            {
                Assert.True(errors[i] <= errors[i - 1] + 1e-6, $"error grew from {errors[i - 1]} to {errors[i]} at β = {betas[i]}");
            }

            Assert.True(errors[^1] <= 1e-3, $"error {errors[^1]} at large β");
        }
    }

    [Fact]
    public void EnergyDoesNotIncreaseOverIterations()
    {
        float[] x = TestData.Gaussian(32, 40 * 16, 0.5f);
        foreach (float beta in new[] { 0.3f, 1f, 4f })
        {
            var net = new ModernHopfieldNetwork(x, 40, new ModernHopfieldOptions { Beta = beta, MaxSteps = 25, Tolerance = 0f });
            for (int seed = 0; seed < 5; seed++)
            {
                var r = net.Retrieve(TestData.Gaussian(100 + seed, 16));
                Assert.Equal(r.Steps + 1, r.EnergyTrace.Count);
                for (int t = 1; t < r.EnergyTrace.Count; t++)
                {
                    double prev = r.EnergyTrace[t - 1], cur = r.EnergyTrace[t];
                    Assert.True(cur <= prev + (1e-5 * Math.Max(1, Math.Abs(prev))), $"β={beta} step {t}: energy rose {prev} → {cur}");
                }

                Assert.Equal(net.Energy(r.State), r.Energy, 9);
            }
        }
    }

    [Fact]
    public void EnergyMatchesTheFormula()
    {
        float[] x = TestData.Gaussian(33, 5 * 4);
        float[] xi = TestData.Gaussian(34, 4);
        const double beta = 0.7;
        var net = new ModernHopfieldNetwork(x, 5, new ModernHopfieldOptions { Beta = (float)beta });
        var s = TestData.Similarities(SimilarityFunction.Dot, x, 5, xi);
        double lse = Math.Log(s.Sum(v => Math.Exp(beta * v))) / beta;
        double m = Enumerable.Range(0, 5).Max(i => Math.Sqrt(x.Skip(i * 4).Take(4).Sum(v => (double)v * v)));
        double expected = -lse + (0.5 * xi.Sum(v => (double)v * v)) + (Math.Log(5) / beta) + (0.5 * m * m);
        Assert.Equal(expected, net.Energy(xi), 5);
        Assert.Equal(m, net.MaxPatternNorm, 5);
    }

    [Fact]
    public void IterationConvergesAndReportsStepsAndAttention()
    {
        float[] x = Patterns();
        var net = new ModernHopfieldNetwork(x, Count, new ModernHopfieldOptions { Beta = 2f, MaxSteps = 10, Tolerance = 1e-5f });
        var r = net.Retrieve(Noisy(x, 3, 7, 0.5f));
        Assert.True(r.Converged);
        Assert.InRange(r.Steps, 1, 10);
        Assert.Equal(3, r.AttendedIndex);
        Assert.Equal(Count, r.Attention.Length);
        Assert.Equal(1.0, r.Attention.ToArray().Sum(v => (double)v), 5);
        Assert.True(Distance(r.State, x.AsSpan(3 * Dim, Dim)) < 1e-3);

        // A tolerance that cannot be met within one step: not converged.
        var once = new ModernHopfieldNetwork(x, Count, new ModernHopfieldOptions { Beta = 0.01f }).Retrieve(Noisy(x, 3, 7, 0.5f));
        Assert.False(once.Converged);
        Assert.Equal(1, once.Steps);
    }

    [Fact]
    public void ModernIsTheDotSoftmaxCaseOfTheUniversalMemory()
    {
        float[] x = TestData.Gaussian(35, 300 * 20, 0.3f);
        float[] q = TestData.Gaussian(36, 10 * 20, 0.3f);
        var net = new ModernHopfieldNetwork(x, 300, new ModernHopfieldOptions { Beta = 1.5f });
        var uni = new UniversalHopfieldMemory(x, 300, default, new UniversalHopfieldOptions { Similarity = SimilarityFunction.Dot, Separation = SeparationFunction.Softmax, Beta = 1.5f });
        var a = new float[q.Length];
        var b = new float[q.Length];
        net.RetrieveBatch(q, 10, a);
        uni.RetrieveBatch(q, 10, b);
        Assert.Equal(b, a);
        TestData.AssertClose(b.AsSpan(0, 20), net.Retrieve(q.AsSpan(0, 20)).State, 2e-5f);

        // Brute force: ξ' = Xᵀ softmax(β X ξ).
        var w = TestData.Softmax(TestData.Similarities(SimilarityFunction.Dot, x, 300, q.AsSpan(0, 20)), 1.5);
        TestData.AssertClose(TestData.Project(w, x, 300), a.AsSpan(0, 20), 1e-4f);
    }

    [Fact]
    public void BatchStepsEqualRepeatedSingleSteps()
    {
        float[] x = TestData.Gaussian(37, 50 * 9, 0.4f);
        float[] q = TestData.Gaussian(38, 3 * 9);
        var net = new ModernHopfieldNetwork(x, 50, new ModernHopfieldOptions { Beta = 0.8f });
        var out3 = new float[q.Length];
        net.RetrieveBatch(q, 3, out3, steps: 3);
        for (int i = 0; i < 3; i++)
        {
            var r = net.Retrieve(q.AsSpan(i * 9, 9), maxSteps: 3, tolerance: 0f);
            TestData.AssertClose(r.State, out3.AsSpan(i * 9, 9), 1e-5f);
        }
    }

    [Fact]
    public void BadInputsAreRejected()
    {
        float[] x = Patterns();
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModernHopfieldNetwork(x, Count, new ModernHopfieldOptions { Beta = 0f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModernHopfieldNetwork(x, Count, new ModernHopfieldOptions { Beta = float.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModernHopfieldNetwork(x, Count, new ModernHopfieldOptions { MaxSteps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModernHopfieldNetwork(x, Count, new ModernHopfieldOptions { Tolerance = -1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModernHopfieldNetwork([], 0));
        var e = Assert.Throws<ArgumentException>(() => ModernHopfieldNetwork.FromRows([[1f, float.NaN]]));
        Assert.Contains("Key 0 contains NaN at element 1", e.Message, StringComparison.Ordinal);

        var net = new ModernHopfieldNetwork(x, Count);
        Assert.Throws<ArgumentException>(() => net.Retrieve(new float[Dim - 1]));
        Assert.Throws<ArgumentException>(() => net.Retrieve(Enumerable.Repeat(float.NaN, Dim).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Retrieve(new float[Dim], 0, 1e-3f));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Retrieve(new float[Dim], 3, float.NaN));
        Assert.Throws<ArgumentException>(() => net.Energy(new float[3]));
    }
}
