using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Short-row kernels of the fused online softmax (one score tile row at a time). They are fully optimised from the
/// first call (<see cref="MethodImplOptions.AggressiveOptimization"/>, everything inlined), unlike generic library
/// calls that start in tier-0 code: a benchmark of a few batches would otherwise time unoptimised code.
/// Exponentials use an inlined Cephes-style single-precision exp (relative error ≈ 1e-7; arguments below −87.3, whose
/// true value is below the smallest normal single, give exactly 0 so no denormal reaches the projection); the scalar
/// tail and the scalar reference use <see cref="MathF.Exp"/>, so levels agree to a few ulps, not bit for bit.
/// </summary>
internal static unsafe class RowKernels
{
    /// <summary>Largest of x[0..n) (n ≥ 1); NaN-free input assumed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Max(SimdLevel level, float* x, int n)
    {
        int i = 0;
        float m = float.NegativeInfinity;
        if (level == SimdLevel.Vector512 && n >= 16)
        {
            var acc = Vector512.Create(float.NegativeInfinity);
            for (; i + 16 <= n; i += 16)
            {
                acc = Vector512.Max(acc, Vector512.Load(x + i));
            }

            m = HorizontalMax(Vector256.Max(acc.GetLower(), acc.GetUpper()));
        }
        else if (level >= SimdLevel.Vector256 && n >= 8)
        {
            var acc = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= n; i += 8)
            {
                acc = Vector256.Max(acc, Vector256.Load(x + i));
            }

            m = HorizontalMax(acc);
        }
        else if (level >= SimdLevel.Vector128 && n >= 4)
        {
            var acc = Vector128.Create(float.NegativeInfinity);
            for (; i + 4 <= n; i += 4)
            {
                acc = Vector128.Max(acc, Vector128.Load(x + i));
            }

            m = HorizontalMax(acc);
        }

        for (; i < n; i++)
        {
            m = Math.Max(m, x[i]);
        }

        return m;
    }

    /// <summary>x[i] ← exp(gain·(x[i] − shift)) for i &lt; n; returns Σ of the new values. x[i] = −∞ gives 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpShiftSum(SimdLevel level, float* x, int n, float shift, float gain)
    {
        int i = 0;
        float sum = 0;
        if (level == SimdLevel.Vector512)
        {
            var s = Vector512.Create(shift);
            var g = Vector512.Create(gain);
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var e = Exp((Vector512.Load(x + i) - s) * g);
                e.Store(x + i);
                acc += e;
            }

            sum = Vector512.Sum(acc);
        }
        else if (level == SimdLevel.Vector256)
        {
            var s = Vector256.Create(shift);
            var g = Vector256.Create(gain);
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var e = Exp((Vector256.Load(x + i) - s) * g);
                e.Store(x + i);
                acc += e;
            }

            sum = Vector256.Sum(acc);
        }
        else if (level == SimdLevel.Vector128)
        {
            var s = Vector128.Create(shift);
            var g = Vector128.Create(gain);
            var acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4)
            {
                var e = Exp((Vector128.Load(x + i) - s) * g);
                e.Store(x + i);
                acc += e;
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < n; i++)
        {
            float e = MathF.Exp((x[i] - shift) * gain);
            x[i] = e;
            sum += e;
        }

        return sum;
    }

    /// <summary>y[i] ← x[i]·s for i &lt; n (x and y may be the same).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(SimdLevel level, float* x, int n, float s, float* y)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            var v = Vector512.Create(s);
            for (; i + 16 <= n; i += 16)
            {
                (Vector512.Load(x + i) * v).Store(y + i);
            }
        }
        else if (level >= SimdLevel.Vector128)
        {
            var v = Vector128.Create(s);
            for (; i + 4 <= n; i += 4)
            {
                (Vector128.Load(x + i) * v).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] = x[i] * s;
        }
    }

    /// <summary>
    /// y[i] ← scale · aᵢ, where aᵢ starts at 0 and takes aᵢ ← fma(w[r], rows[r][i], aᵢ) for r = 0 … m − 1 in order
    /// (i &lt; n): the same floats as clearing y, m <see cref="Axpy"/> calls and a <see cref="Scale"/>, with y written
    /// once and never read. The 512-bit path keeps eight vectors of sums in registers, so that eight independent chains
    /// hide the FMA latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedRowSum(SimdLevel level, float* w, nint* rows, int m, float scale, float* y, int n)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            var s = Vector512.Create(scale);
            for (; i + 128 <= n; i += 128)
            {
                Vector512<float> y0 = default, y1 = default, y2 = default, y3 = default;
                Vector512<float> y4 = default, y5 = default, y6 = default, y7 = default;
                for (int r = 0; r < m; r++)
                {
                    var a = Vector512.Create(w[r]);
                    float* x = (float*)rows[r] + i;
                    y0 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x), y0);
                    y1 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + 16), y1);
                    y2 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + 32), y2);
                    y3 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + 48), y3);
                    y4 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + 64), y4);
                    y5 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + 80), y5);
                    y6 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + 96), y6);
                    y7 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + 112), y7);
                }

                (y0 * s).Store(y + i);
                (y1 * s).Store(y + i + 16);
                (y2 * s).Store(y + i + 32);
                (y3 * s).Store(y + i + 48);
                (y4 * s).Store(y + i + 64);
                (y5 * s).Store(y + i + 80);
                (y6 * s).Store(y + i + 96);
                (y7 * s).Store(y + i + 112);
            }

            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> acc = default;
                for (int r = 0; r < m; r++)
                {
                    acc = Vector512.FusedMultiplyAdd(Vector512.Create(w[r]), Vector512.Load((float*)rows[r] + i), acc);
                }

                (acc * s).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            float acc = 0f;
            for (int r = 0; r < m; r++)
            {
                acc = MathF.FusedMultiplyAdd(w[r], ((float*)rows[r])[i], acc);
            }

            y[i] = acc * scale;
        }
    }

    /// <summary>y[i] ← y[i] + a·x[i] for i &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy(SimdLevel level, float a, float* x, float* y, int n)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            var v = Vector512.Create(a);
            for (; i + 16 <= n; i += 16)
            {
                Vector512.FusedMultiplyAdd(v, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
            }
        }
        else if (level >= SimdLevel.Vector128)
        {
            var v = Vector128.Create(a);
            for (; i + 4 <= n; i += 4)
            {
                Vector128.FusedMultiplyAdd(v, Vector128.Load(x + i), Vector128.Load(y + i)).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(a, x[i], y[i]);
        }
    }

    /// <summary>x[i] ← −√x[i] (<paramref name="root"/>) or −x[i] for i &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Negate(SimdLevel level, float* x, int n, bool root)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.Load(x + i);
                (root ? -Vector512.Sqrt(v) : -v).Store(x + i);
            }
        }
        else if (level >= SimdLevel.Vector128)
        {
            for (; i + 4 <= n; i += 4)
            {
                var v = Vector128.Load(x + i);
                (root ? -Vector128.Sqrt(v) : -v).Store(x + i);
            }
        }

        for (; i < n; i++)
        {
            x[i] = root ? -MathF.Sqrt(x[i]) : -x[i];
        }
    }

    private const float ExpLow = -87.33654f;
    private const float ExpHigh = 88.37626f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    /// <summary>e^x, Cephes expf scheme: x = n·ln2 + r, |r| ≤ ln2/2, e^r by a degree-7 polynomial, 2ⁿ by exponent bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        var under = Vector512.LessThan(x, Vector512.Create(ExpLow));
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var y = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(P2));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(P3));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(P4));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(P5));
        y = Vector512.FusedMultiplyAdd(y, r * r, r) + Vector512<float>.One;
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return Vector512.AndNot(y * scale, under.AsSingle());
    }

    /// <summary>256-bit form of <see cref="Exp(Vector512{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp(Vector256<float> x)
    {
        var under = Vector256.LessThan(x, Vector256.Create(ExpLow));
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var y = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(P2));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(P3));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(P4));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(P5));
        y = Vector256.FusedMultiplyAdd(y, r * r, r) + Vector256<float>.One;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.AndNot(y * scale, under.AsSingle());
    }

    /// <summary>128-bit form of <see cref="Exp(Vector512{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Exp(Vector128<float> x)
    {
        var under = Vector128.LessThan(x, Vector128.Create(ExpLow));
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(ExpLow)), Vector128.Create(ExpHigh));
        var n = Vector128.Round(x * Vector128.Create(Log2E));
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Hi), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Lo), r);
        var y = Vector128.FusedMultiplyAdd(Vector128.Create(P0), r, Vector128.Create(P1));
        y = Vector128.FusedMultiplyAdd(y, r, Vector128.Create(P2));
        y = Vector128.FusedMultiplyAdd(y, r, Vector128.Create(P3));
        y = Vector128.FusedMultiplyAdd(y, r, Vector128.Create(P4));
        y = Vector128.FusedMultiplyAdd(y, r, Vector128.Create(P5));
        y = Vector128.FusedMultiplyAdd(y, r * r, r) + Vector128<float>.One;
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
        return Vector128.AndNot(y * scale, under.AsSingle());
    }

    /// <summary>The largest lane (no NaN lanes).</summary>
    internal static float HorizontalMax(Vector512<float> v) => HorizontalMax(Vector256.Max(v.GetLower(), v.GetUpper()));

    private static float HorizontalMax(Vector256<float> v) => HorizontalMax(Vector128.Max(v.GetLower(), v.GetUpper()));

    private static float HorizontalMax(Vector128<float> v) =>
        Math.Max(Math.Max(v.GetElement(0), v.GetElement(1)), Math.Max(v.GetElement(2), v.GetElement(3)));
}
