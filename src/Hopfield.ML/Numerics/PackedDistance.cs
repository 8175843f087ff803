using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Distances between query rows and keys packed by <see cref="Gemm.Pack(ReadOnlySpan{float}, int, int)"/>:
/// D[i, j] = Σₜ |A[i, t] − B[j, t]| (L1) or Σₜ (A[i, t] − B[j, t])² (squared L2), register-blocked like
/// <see cref="Gemm.ScoresPacked"/> (6 queries × 32 keys at 512 bits). Each output element is one sequential chain over
/// t whatever the vector width, so every level gives bit-identical results; the scalar path is the reference.
/// Padding keys of the last panel are zero vectors: their distances are written but are not meaningful.
/// </summary>
internal static unsafe class PackedDistance
{
    /// <summary>Σₜ |A[i, t] − B[j, t]| into C (m × 16·panelCount, leading dimension ldc).</summary>
    public static void Manhattan(SimdLevel level, float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc) =>
        Run<AbsoluteDifference>(level, a, lda, m, panels, panelCount, k, c, ldc);

    /// <summary>Σₜ (A[i, t] − B[j, t])² into C (m × 16·panelCount, leading dimension ldc).</summary>
    public static void SquaredEuclidean(SimdLevel level, float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc) =>
        Run<SquaredDifference>(level, a, lda, m, panels, panelCount, k, c, ldc);

    private static void Run<TOp>(SimdLevel level, float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
        where TOp : IChainStep
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                Kernel512<TOp>(a, lda, m, panels, panelCount, k, c, ldc);
                break;
            case SimdLevel.Vector256:
                Kernel256<TOp>(a, lda, m, panels, panelCount, k, c, ldc);
                break;
            case SimdLevel.Vector128:
                Kernel128<TOp>(a, lda, m, panels, panelCount, k, c, ldc);
                break;
            default:
                KernelScalar<TOp>(a, lda, m, panels, panelCount, k, c, ldc);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512<TOp>(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
        where TOp : IChainStep
    {
        const int W = Gemm.PanelWidth;
        nint stride = (nint)k * W;
        int i = 0;
        for (; i + 6 <= m; i += 6)
        {
            float* a0 = a + ((nint)i * lda), a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
            float* c0 = c + ((nint)i * ldc);
            int p = 0;
            for (; p + 2 <= panelCount; p += 2)
            {
                float* b0 = panels + (p * stride);
                float* b1 = b0 + stride;
                Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
                Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
                for (int t = 0; t < k; t++)
                {
                    var x0 = Vector512.Load(b0 + (t * W));
                    var x1 = Vector512.Load(b1 + (t * W));
                    var s = Vector512.Create(a0[t]);
                    c00 = TOp.Step(s, x0, c00);
                    c01 = TOp.Step(s, x1, c01);
                    s = Vector512.Create(a1[t]);
                    c10 = TOp.Step(s, x0, c10);
                    c11 = TOp.Step(s, x1, c11);
                    s = Vector512.Create(a2[t]);
                    c20 = TOp.Step(s, x0, c20);
                    c21 = TOp.Step(s, x1, c21);
                    s = Vector512.Create(a3[t]);
                    c30 = TOp.Step(s, x0, c30);
                    c31 = TOp.Step(s, x1, c31);
                    s = Vector512.Create(a4[t]);
                    c40 = TOp.Step(s, x0, c40);
                    c41 = TOp.Step(s, x1, c41);
                    s = Vector512.Create(a5[t]);
                    c50 = TOp.Step(s, x0, c50);
                    c51 = TOp.Step(s, x1, c51);
                }

                float* cp = c0 + (p * W);
                c00.Store(cp);
                c01.Store(cp + W);
                cp += ldc;
                c10.Store(cp);
                c11.Store(cp + W);
                cp += ldc;
                c20.Store(cp);
                c21.Store(cp + W);
                cp += ldc;
                c30.Store(cp);
                c31.Store(cp + W);
                cp += ldc;
                c40.Store(cp);
                c41.Store(cp + W);
                cp += ldc;
                c50.Store(cp);
                c51.Store(cp + W);
            }

            if (p < panelCount)
            {
                float* b0 = panels + (p * stride);
                Vector512<float> c00 = default, c10 = default, c20 = default, c30 = default, c40 = default, c50 = default;
                for (int t = 0; t < k; t++)
                {
                    var x0 = Vector512.Load(b0 + (t * W));
                    c00 = TOp.Step(Vector512.Create(a0[t]), x0, c00);
                    c10 = TOp.Step(Vector512.Create(a1[t]), x0, c10);
                    c20 = TOp.Step(Vector512.Create(a2[t]), x0, c20);
                    c30 = TOp.Step(Vector512.Create(a3[t]), x0, c30);
                    c40 = TOp.Step(Vector512.Create(a4[t]), x0, c40);
                    c50 = TOp.Step(Vector512.Create(a5[t]), x0, c50);
                }

                float* cp = c0 + (p * W);
                c00.Store(cp);
                c10.Store(cp + ldc);
                c20.Store(cp + (2 * ldc));
                c30.Store(cp + (3 * ldc));
                c40.Store(cp + (4 * ldc));
                c50.Store(cp + (5 * ldc));
            }
        }

        for (; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                Vector512<float> c00 = default;
                for (int t = 0; t < k; t++)
                {
                    c00 = TOp.Step(Vector512.Create(a0[t]), Vector512.Load(b0 + (t * W)), c00);
                }

                c00.Store(c0 + (p * W));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256<TOp>(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
        where TOp : IChainStep
    {
        const int W = Gemm.PanelWidth;
        nint stride = (nint)k * W;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = a + ((nint)i * lda), a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
                Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
                for (int t = 0; t < k; t++)
                {
                    var x0 = Vector256.Load(b0 + (t * W));
                    var x1 = Vector256.Load(b0 + (t * W) + 8);
                    var s = Vector256.Create(a0[t]);
                    c00 = TOp.Step(s, x0, c00);
                    c01 = TOp.Step(s, x1, c01);
                    s = Vector256.Create(a1[t]);
                    c10 = TOp.Step(s, x0, c10);
                    c11 = TOp.Step(s, x1, c11);
                    s = Vector256.Create(a2[t]);
                    c20 = TOp.Step(s, x0, c20);
                    c21 = TOp.Step(s, x1, c21);
                    s = Vector256.Create(a3[t]);
                    c30 = TOp.Step(s, x0, c30);
                    c31 = TOp.Step(s, x1, c31);
                }

                float* cp = c0 + (p * W);
                c00.Store(cp);
                c01.Store(cp + 8);
                cp += ldc;
                c10.Store(cp);
                c11.Store(cp + 8);
                cp += ldc;
                c20.Store(cp);
                c21.Store(cp + 8);
                cp += ldc;
                c30.Store(cp);
                c31.Store(cp + 8);
            }
        }

        for (; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                Vector256<float> c00 = default, c01 = default;
                for (int t = 0; t < k; t++)
                {
                    var s = Vector256.Create(a0[t]);
                    c00 = TOp.Step(s, Vector256.Load(b0 + (t * W)), c00);
                    c01 = TOp.Step(s, Vector256.Load(b0 + (t * W) + 8), c01);
                }

                c00.Store(c0 + (p * W));
                c01.Store(c0 + (p * W) + 8);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel128<TOp>(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
        where TOp : IChainStep
    {
        const int W = Gemm.PanelWidth;
        nint stride = (nint)k * W;
        for (int i = 0; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
                for (int t = 0; t < k; t++)
                {
                    float* bt = b0 + (t * W);
                    var s = Vector128.Create(a0[t]);
                    c00 = TOp.Step(s, Vector128.Load(bt), c00);
                    c01 = TOp.Step(s, Vector128.Load(bt + 4), c01);
                    c02 = TOp.Step(s, Vector128.Load(bt + 8), c02);
                    c03 = TOp.Step(s, Vector128.Load(bt + 12), c03);
                }

                float* cp = c0 + (p * W);
                c00.Store(cp);
                c01.Store(cp + 4);
                c02.Store(cp + 8);
                c03.Store(cp + 12);
            }
        }
    }

    private static void KernelScalar<TOp>(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
        where TOp : IChainStep
    {
        const int W = Gemm.PanelWidth;
        nint stride = (nint)k * W;
        for (int i = 0; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                for (int j = 0; j < W; j++)
                {
                    float acc = 0;
                    for (int t = 0; t < k; t++)
                    {
                        acc = TOp.Step(a0[t], b0[(t * W) + j], acc);
                    }

                    c0[(p * W) + j] = acc;
                }
            }
        }
    }
}
