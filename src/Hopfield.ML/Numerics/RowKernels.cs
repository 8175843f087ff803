using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Short-row kernels of the fused online softmax (one score tile row at a time). They are fully optimised from the
/// first call (<see cref="MethodImplOptions.AggressiveOptimization"/>, everything inlined), unlike generic library
/// calls that start in tier-0 code: a benchmark of a few batches would otherwise time unoptimised code.
/// Exponentials use <see cref="Vector512.Exp(Vector512{float})"/> and its narrower forms; the scalar tail and the
/// scalar reference use <see cref="MathF.Exp"/>, so levels agree to a few ulps, not bit for bit.
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
                var e = Vector512.Exp((Vector512.Load(x + i) - s) * g);
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
                var e = Vector256.Exp((Vector256.Load(x + i) - s) * g);
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
                var e = Vector128.Exp((Vector128.Load(x + i) - s) * g);
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

    private static float HorizontalMax(Vector256<float> v) => HorizontalMax(Vector128.Max(v.GetLower(), v.GetUpper()));

    private static float HorizontalMax(Vector128<float> v) =>
        Math.Max(Math.Max(v.GetElement(0), v.GetElement(1)), Math.Max(v.GetElement(2), v.GetElement(3)));
}
