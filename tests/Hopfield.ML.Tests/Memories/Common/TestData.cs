namespace Hopfield.ML.Tests.Memories.Common;

/// <summary>Seeded random data and brute-force double-precision references for the memory tests.</summary>
internal static class TestData
{
    public static float[] Gaussian(int seed, int count, float scale = 1f)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = scale * (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return x;
    }

    public static float[] Uniform(int seed, int count, float lo = -1f, float hi = 1f)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = lo + ((hi - lo) * (float)rng.NextDouble());
        }

        return x;
    }

    public static double Similarity(Hopfield.ML.Memories.Universal.SimilarityFunction f, ReadOnlySpan<float> k, ReadOnlySpan<float> q)
    {
        double dot = 0, nk = 0, nq = 0, l2 = 0, l1 = 0;
        for (int i = 0; i < k.Length; i++)
        {
            dot += (double)k[i] * q[i];
            nk += (double)k[i] * k[i];
            nq += (double)q[i] * q[i];
            double d = (double)k[i] - q[i];
            l2 += d * d;
            l1 += Math.Abs(d);
        }

        return f switch
        {
            Hopfield.ML.Memories.Universal.SimilarityFunction.Dot => dot,
            Hopfield.ML.Memories.Universal.SimilarityFunction.Cosine => nk == 0 || nq == 0 ? 0 : dot / Math.Sqrt(nk * nq),
            Hopfield.ML.Memories.Universal.SimilarityFunction.NegativeEuclidean => -Math.Sqrt(l2),
            _ => -l1,
        };
    }

    public static double[] Similarities(Hopfield.ML.Memories.Universal.SimilarityFunction f, float[] keys, int count, ReadOnlySpan<float> q)
    {
        int d = keys.Length / count;
        var s = new double[count];
        for (int i = 0; i < count; i++)
        {
            s[i] = Similarity(f, keys.AsSpan(i * d, d), q);
        }

        return s;
    }

    public static double[] Softmax(double[] s, double beta)
    {
        double max = s.Max(v => beta * v);
        var w = s.Select(v => Math.Exp((beta * v) - max)).ToArray();
        double sum = w.Sum();
        return w.Select(v => v / sum).ToArray();
    }

    public static float[] Project(double[] weights, float[] values, int count)
    {
        int d = values.Length / count;
        var o = new double[d];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < d; j++)
            {
                o[j] += weights[i] * values[(i * d) + j];
            }
        }

        return o.Select(v => (float)v).ToArray();
    }

    public static int ArgMax(double[] s)
    {
        int best = 0;
        for (int i = 1; i < s.Length; i++)
        {
            if (s[i] > s[best])
            {
                best = i;
            }
        }

        return best;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            float tol = tolerance * Math.Max(1f, Math.Abs(e));
            Assert.True(Math.Abs(e - a) <= tol, $"{what} element {i}: expected {e}, got {a} (tolerance {tol})");
        }
    }
}
