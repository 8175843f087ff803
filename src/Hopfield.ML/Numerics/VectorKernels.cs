using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Row-vs-row kernels: dot product, squared Euclidean (L2²) and Manhattan (L1) distance.
/// Each has a Vector512 → Vector256 → Vector128 → scalar cascade and a scalar reference
/// (<see cref="ReferenceKernels"/>) that the tests compare against.
/// </summary>
internal static class VectorKernels
{
    /// <summary>Σ xᵢ·yᵢ at the best level.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Dot(SimdCapabilities.Best, x, y);

    /// <summary>Σ (xᵢ − yᵢ)² at the best level.</summary>
    public static float SquaredEuclidean(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => SquaredEuclidean(SimdCapabilities.Best, x, y);

    /// <summary>Σ |xᵢ − yᵢ| at the best level.</summary>
    public static float Manhattan(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Manhattan(SimdCapabilities.Best, x, y);

    /// <summary>Σ xᵢ·yᵢ at <paramref name="level"/>.</summary>
    public static float Dot(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Run<Product>(level, x, y);

    /// <summary>Σ (xᵢ − yᵢ)² at <paramref name="level"/>.</summary>
    public static float SquaredEuclidean(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Run<SquaredDifference>(level, x, y);

    /// <summary>Σ |xᵢ − yᵢ| at <paramref name="level"/>.</summary>
    public static float Manhattan(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Run<AbsoluteDifference>(level, x, y);

    /// <summary>
    /// Writes x / ‖x‖₂ into <paramref name="destination"/> (the same span or one that does not overlap); a zero vector
    /// stays zero. Compiled fully optimised at once: cosine retrieval normalises every query with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NormalizeL2(ReadOnlySpan<float> x, Span<float> destination)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += (double)v * v;
        }

        if (sum == 0)
        {
            destination[..x.Length].Clear();
            return;
        }

        float inv = (float)(1.0 / Math.Sqrt(sum));
        Span<float> y = destination[..x.Length];
        ref float src = ref MemoryMarshal.GetReference(x);
        ref float dst = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                (Vector512.LoadUnsafe(ref src, i) * inv).StoreUnsafe(ref dst, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                (Vector256.LoadUnsafe(ref src, i) * inv).StoreUnsafe(ref dst, i);
            }
        }

        for (; i < n; i++)
        {
            y[(int)i] = x[(int)i] * inv;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Run<TOp>(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        where TOp : struct, IChainStep
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Vector lengths differ: {x.Length} and {y.Length}.", nameof(y));
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        int i = 0;
        float result = 0;
        switch (level)
        {
            case SimdLevel.Vector512 when n >= 16:
            {
                Vector512<float> a0 = Vector512<float>.Zero, a1 = Vector512<float>.Zero;
                for (; i + 32 <= n; i += 32)
                {
                    a0 = TOp.Step(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), a0);
                    a1 = TOp.Step(Vector512.LoadUnsafe(ref px, (nuint)(i + 16)), Vector512.LoadUnsafe(ref py, (nuint)(i + 16)), a1);
                }

                for (; i + 16 <= n; i += 16)
                {
                    a0 = TOp.Step(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), a0);
                }

                result = Vector512.Sum(a0 + a1);
                break;
            }

            case SimdLevel.Vector512 or SimdLevel.Vector256 when n >= 8:
            {
                Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero;
                for (; i + 16 <= n; i += 16)
                {
                    a0 = TOp.Step(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), a0);
                    a1 = TOp.Step(Vector256.LoadUnsafe(ref px, (nuint)(i + 8)), Vector256.LoadUnsafe(ref py, (nuint)(i + 8)), a1);
                }

                for (; i + 8 <= n; i += 8)
                {
                    a0 = TOp.Step(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), a0);
                }

                result = Vector256.Sum(a0 + a1);
                break;
            }

            case SimdLevel.Vector512 or SimdLevel.Vector256 or SimdLevel.Vector128 when n >= 4:
            {
                Vector128<float> a0 = Vector128<float>.Zero, a1 = Vector128<float>.Zero;
                for (; i + 8 <= n; i += 8)
                {
                    a0 = TOp.Step(Vector128.LoadUnsafe(ref px, (nuint)i), Vector128.LoadUnsafe(ref py, (nuint)i), a0);
                    a1 = TOp.Step(Vector128.LoadUnsafe(ref px, (nuint)(i + 4)), Vector128.LoadUnsafe(ref py, (nuint)(i + 4)), a1);
                }

                for (; i + 4 <= n; i += 4)
                {
                    a0 = TOp.Step(Vector128.LoadUnsafe(ref px, (nuint)i), Vector128.LoadUnsafe(ref py, (nuint)i), a0);
                }

                result = Vector128.Sum(a0 + a1);
                break;
            }

            default:
                break;
        }

        for (; i < n; i++)
        {
            result = TOp.Step(Unsafe.Add(ref px, i), Unsafe.Add(ref py, i), result);
        }

        return result;
    }
}
