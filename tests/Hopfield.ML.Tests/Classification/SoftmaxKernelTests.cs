using Hopfield.ML.Classification;

namespace Hopfield.ML.Tests.Classification;

public class SoftmaxKernelTests
{
    /// <summary>Scalar double-precision reference of softmax(W x + b) and ln p[target].</summary>
    private static (double[] P, double LogTarget) Reference(float[] x, float[] w, float[] b, int target)
    {
        int k = b.Length, d = x.Length;
        var z = new double[k];
        for (int c = 0; c < k; c++)
        {
            double s = b[c];
            for (int j = 0; j < d; j++)
            {
                s += (double)w[(c * d) + j] * x[j];
            }

            z[c] = s;
        }

        double max = z.Max();
        double sum = z.Sum(v => Math.Exp(v - max));
        return (z.Select(v => Math.Exp(v - max) / sum).ToArray(), z[target] - max - Math.Log(sum));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(17, 3)]
    [InlineData(63, 10)]
    [InlineData(65, 7)]
    [InlineData(257, 5)]
    public void ProbabilitiesMatchScalarReference(int d, int k)
    {
        var rng = new Random((d * 31) + k);
        float[] Rand(int n, float scale) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() - 0.5) * scale))];
        var x = Rand(d, 4);
        var w = Rand(k * d, 2);
        var b = Rand(k, 50); // large logits exercise the max-subtraction
        int target = k - 1;
        var p = new float[k];

        double logTarget = MulticlassPredictionTransformer.Probabilities(x, w, b, p, target);
        var (refP, refLog) = Reference(x, w, b, target);

        for (int c = 0; c < k; c++)
        {
            Assert.Equal(refP[c], p[c], 5);
        }

        Assert.Equal(refLog, logTarget, 3);
        Assert.All(p, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        const int d = 5, k = 3, n = 17;
        var rng = new Random(4);
        var x = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var y = Enumerable.Range(0, n).Select(i => i % k).ToArray();
        var problem = new SoftmaxRegressionTrainer.Problem(x, y, d, k, l2: 0.3f);
        var rows = Enumerable.Range(0, n).ToArray();
        var theta = Enumerable.Range(0, problem.ParameterCount).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var grad = new float[problem.ParameterCount];
        problem.Objective(theta, rows, grad);

        var scratch = new float[problem.ParameterCount];
        const float h = 1e-2f;
        for (int i = 0; i < theta.Length; i++)
        {
            var plus = (float[])theta.Clone();
            var minus = (float[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (problem.Objective(plus, rows, scratch) - problem.Objective(minus, rows, scratch)) / (2 * h);
            Assert.Equal(numeric, grad[i], 3);
        }
    }
}
