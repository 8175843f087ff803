namespace Hopfield.ML.Numerics;

/// <summary>
/// Plain scalar reference implementations (double accumulation, no blocking, no packing) that the
/// tests compare every SIMD kernel with.
/// </summary>
internal static class ReferenceKernels
{
    /// <summary>Σ xᵢ·yᵢ.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += (double)x[i] * y[i];
        }

        return (float)s;
    }

    /// <summary>Σ (xᵢ − yᵢ)².</summary>
    public static float SquaredEuclidean(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = (double)x[i] - y[i];
            s += d * d;
        }

        return (float)s;
    }

    /// <summary>Σ |xᵢ − yᵢ|.</summary>
    public static float Manhattan(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.Abs((double)x[i] - y[i]);
        }

        return (float)s;
    }

    /// <summary>C (m × n) = A (m × k) · Bᵀ, B (n × k).</summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, int m, int k, ReadOnlySpan<float> b, int n, Span<float> c)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                c[(i * n) + j] = Dot(a.Slice(i * k, k), b.Slice(j * k, k));
            }
        }
    }

    /// <summary>C (m × n) = A (m × k) · B, B (k × n).</summary>
    public static void Multiply(ReadOnlySpan<float> a, int m, int k, ReadOnlySpan<float> b, int n, Span<float> c)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int t = 0; t < k; t++)
                {
                    s += (double)a[(i * k) + t] * b[(t * n) + j];
                }

                c[(i * n) + j] = (float)s;
            }
        }
    }

    /// <summary>Numerically stable softmax(β·x) in double precision.</summary>
    public static void Softmax(ReadOnlySpan<float> x, float beta, Span<float> destination)
    {
        double max = double.NegativeInfinity;
        foreach (float v in x)
        {
            max = Math.Max(max, (double)beta * v);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Exp(((double)beta * x[i]) - max);
        }

        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = (float)(Math.Exp(((double)beta * x[i]) - max) / sum);
        }
    }

    /// <summary>Indices of the k largest values, best first; ties go to the lower index.</summary>
    public static int[] TopK(ReadOnlySpan<float> scores, int k)
    {
        var idx = Enumerable.Range(0, scores.Length).ToArray();
        var copy = scores.ToArray();
        Array.Sort(idx, (x, y) =>
        {
            int c = copy[y].CompareTo(copy[x]);
            return c != 0 ? c : x.CompareTo(y);
        });
        return idx[..Math.Min(k, idx.Length)];
    }
}
