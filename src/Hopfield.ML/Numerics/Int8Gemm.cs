using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hopfield.ML.Numerics;

/// <summary>
/// 8-bit integer products for score screening: C[i, j] = Σ_d U[i, d]·K[j, d] with U unsigned bytes (query codes
/// + 128) and K signed bytes (key codes), exact in 32-bit integers. Keys are packed in tiles of <see cref="TileKeys"/>:
/// for every group of four dimensions, 32 keys × 4 bytes — the operand layout of <c>vpdpbusd</c>, which multiplies
/// four byte pairs and adds them to one 32-bit lane (32 multiply-adds per 256-bit instruction, twice as many as a
/// 512-bit float FMA). <see cref="ScoresReference"/> is the scalar reference; integer sums are exact, so both paths
/// give identical results.
/// </summary>
internal static unsafe class Int8Gemm
{
    /// <summary>Keys per packed tile.</summary>
    public const int TileKeys = 32;

    /// <summary>Largest code magnitude: codes are in [−127, 127] (symmetric, so −128 never occurs).</summary>
    public const int MaxCode = 127;

    /// <summary>
    /// Largest dimension whose sums cannot overflow: |Σ| ≤ D · 255 · 127 must stay below 2³¹.
    /// </summary>
    public const int MaxDimension = 65536;

    /// <summary>Whether the VNNI kernel runs on this machine (AVX-VNNI, 256-bit).</summary>
    public static bool Accelerated => AvxVnni.IsSupported;

    /// <summary>Groups of four dimensions.</summary>
    public static int GroupCount(int dim) => (dim + 3) / 4;

    /// <summary>Dimension rounded up to a whole group; the padding bytes are zero.</summary>
    public static int PaddedDimension(int dim) => GroupCount(dim) * 4;

    /// <summary>Bytes of the packed codes of <paramref name="count"/> keys (whole tiles).</summary>
    public static long PackedLength(int count, int dim) => (long)((count + TileKeys - 1) / TileKeys) * TileKeys * PaddedDimension(dim);

    /// <summary>
    /// Symmetric 8-bit codes of <paramref name="x"/>: scale = max|x| / 127, code = round(x / scale). Returns the scale
    /// (0 for an all-zero row, whose codes are all 0). <paramref name="residualNorm"/> is an upper bound of the
    /// Euclidean norm ‖x − scale·code‖₂ (computed in double, rounded up); every component of the residual is at most
    /// half a step.
    /// </summary>
    public static float Quantize(ReadOnlySpan<float> x, Span<sbyte> codes, out float residualNorm) => Quantize(SimdLevel.Scalar, x, codes, out residualNorm);

    /// <summary>
    /// <see cref="Quantize(ReadOnlySpan{float}, Span{sbyte}, out float)"/> at a vector width: the 512-bit path gives the
    /// same codes (same division, same round-half-to-even) and a residual bound computed in float with FMA, widened by
    /// the float sum's worst-case rounding; the scalar path is the reference (double).
    /// </summary>
    public static float Quantize(SimdLevel level, ReadOnlySpan<float> x, Span<sbyte> codes, out float residualNorm)
    {
        if (codes.Length < x.Length)
        {
            throw new ArgumentException($"The code buffer holds {codes.Length} codes, fewer than the row's {x.Length}.", nameof(codes));
        }

        if (level != SimdLevel.Vector512 || x.Length < 16)
        {
            return QuantizeReference(x, codes, out residualNorm);
        }

        fixed (sbyte* pc = codes)
        {
            return Quantize512(x, pc, null, out residualNorm, out _, out _);
        }
    }

    /// <summary>
    /// Codes of one query for <see cref="Scores"/>: <paramref name="biased"/> receives code + 128 as unsigned bytes for
    /// the <paramref name="x"/>.Length dimensions (the caller pads). Returns the scale (as <see cref="Quantize(SimdLevel,
    /// ReadOnlySpan{float}, Span{sbyte}, out float)"/>, same codes at every level) with an upper bound of ‖x − q̂‖₂, an
    /// upper bound of ‖x‖₁ and Σ code² (exact).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float QuantizeBiased(SimdLevel level, ReadOnlySpan<float> x, byte* biased, Span<sbyte> buffer, out float residualNorm, out double l1, out long codeSquares)
    {
        if (level == SimdLevel.Vector512 && x.Length >= 16)
        {
            float scale512 = Quantize512(x, null, biased, out residualNorm, out float l1Float, out codeSquares);

            // A float sum of n magnitudes is within n roundings of the exact one.
            l1 = l1Float * (1 + ((x.Length + 4) * 2.4e-7));
            return scale512;
        }

        float scale = QuantizeReference(x, buffer, out residualNorm);
        l1 = 0;
        codeSquares = 0;
        for (int d = 0; d < x.Length; d++)
        {
            l1 += Math.Abs(x[d]);
            codeSquares += buffer[d] * buffer[d];
            biased[d] = (byte)(buffer[d] + 128);
        }

        return scale;
    }

    /// <summary>
    /// The 512-bit quantiser: same division and round-half-to-even as the reference, so the same codes; writes signed
    /// codes to <paramref name="codes"/> and/or code + 128 to <paramref name="biased"/> (either may be null). The
    /// residual bound is computed in float with FMA and widened by the float sum's worst-case rounding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Quantize512(ReadOnlySpan<float> x, sbyte* codes, byte* biased, out float residualNorm, out float l1, out long codeSquares)
    {
        int n = x.Length;
        float max;
        fixed (float* px = x)
        {
            // max|x| over whole vectors and one last vector ending at n (overlap does not change a maximum); four
            // accumulators keep the max latency off the critical path. The native max is exact here: no NaN
            // (queries are checked first) and no −0 after Abs.
            var m0 = Vector512.Abs(Vector512.Load(px + n - 16));
            Vector512<float> m1 = m0, m2 = m0, m3 = m0;
            int i = 0;
            for (; i + 64 <= n; i += 64)
            {
                m0 = Vector512.MaxNative(m0, Vector512.Abs(Vector512.Load(px + i)));
                m1 = Vector512.MaxNative(m1, Vector512.Abs(Vector512.Load(px + i + 16)));
                m2 = Vector512.MaxNative(m2, Vector512.Abs(Vector512.Load(px + i + 32)));
                m3 = Vector512.MaxNative(m3, Vector512.Abs(Vector512.Load(px + i + 48)));
            }

            for (; i + 16 <= n; i += 16)
            {
                m0 = Vector512.MaxNative(m0, Vector512.Abs(Vector512.Load(px + i)));
            }

            max = RowKernels.HorizontalMax(Vector512.MaxNative(Vector512.MaxNative(m0, m1), Vector512.MaxNative(m2, m3)));
        }

        residualNorm = 0;
        l1 = 0;
        codeSquares = 0;
        if (max == 0)
        {
            for (int i = 0; i < n; i++)
            {
                if (codes != null)
                {
                    codes[i] = 0;
                }

                if (biased != null)
                {
                    biased[i] = 128;
                }
            }

            return 0;
        }

        float scale = max / MaxCode;
        var vs = Vector512.Create(scale);
        var lo = Vector512.Create(-MaxCode);
        var hi = Vector512.Create(MaxCode);
        var bias = Vector512.Create(128);
        var squares = Vector512<float>.Zero;
        var magnitudes = Vector512<float>.Zero;
        var codeSq = Vector512<int>.Zero;
        int d = 0;
        fixed (float* px = x)
        {
            for (; d + 16 <= n; d += 16)
            {
                var v = Vector512.Load(px + d);
                var c = Vector512.Min(Vector512.Max(Vector512.ConvertToInt32(Vector512.Round(v / vs)), lo), hi);
                var r = Vector512.FusedMultiplyAdd(-vs, Vector512.ConvertToSingle(c), v);
                squares = Vector512.FusedMultiplyAdd(r, r, squares);
                magnitudes += Vector512.Abs(v);
                codeSq += c * c;
                if (codes != null)
                {
                    Avx512F.ConvertToVector128SByte(c).Store(codes + d);
                }

                if (biased != null)
                {
                    Avx512F.ConvertToVector128Byte(c + bias).Store(biased + d);
                }
            }
        }

        float sum = Vector512.Sum(squares);
        l1 = Vector512.Sum(magnitudes);
        long cs = Vector512.Sum(codeSq);
        for (; d < n; d++)
        {
            int c = (int)Math.Clamp(MathF.Round(x[d] / scale), -MaxCode, MaxCode);
            if (codes != null)
            {
                codes[d] = (sbyte)c;
            }

            if (biased != null)
            {
                biased[d] = (byte)(c + 128);
            }

            float r = MathF.FusedMultiplyAdd(-scale, c, x[d]);
            sum = MathF.FusedMultiplyAdd(r, r, sum);
            l1 += Math.Abs(x[d]);
            cs += c * c;
        }

        codeSquares = cs;

        // Each r is within one rounding of the true residual, and a float sum of n squares within n roundings.
        residualNorm = RoundUp(Math.Sqrt(sum * (1 + ((n + 4) * 2.4e-7))));
        return scale;
    }

    /// <summary>The scalar reference of <see cref="Quantize(SimdLevel, ReadOnlySpan{float}, Span{sbyte}, out float)"/> (residual in double).</summary>
    public static float QuantizeReference(ReadOnlySpan<float> x, Span<sbyte> codes, out float residualNorm)
    {
        float max = 0;
        foreach (float v in x)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        residualNorm = 0;
        if (max == 0)
        {
            codes[..x.Length].Clear();
            return 0;
        }

        float scale = max / MaxCode;
        double sum = 0;
        for (int d = 0; d < x.Length; d++)
        {
            int c = (int)Math.Clamp(MathF.Round(x[d] / scale), -MaxCode, MaxCode);
            codes[d] = (sbyte)c;
            double r = x[d] - ((double)scale * c);
            sum += r * r;
        }

        residualNorm = RoundUp(Math.Sqrt(sum));
        return scale;
    }

    /// <summary>A non-negative double as the next float up (an upper bound that survives the conversion).</summary>
    public static float RoundUp(double x) => MathF.BitIncrement((float)(x * (1 + 1e-7)));

    /// <summary>
    /// Packs row-major codes (count × dim) into tiles: byte (tile t, group g, key j, lane b) holds code[32t + j, 4g + b];
    /// missing keys and the padding dimensions are zero.
    /// </summary>
    public static void PackKeys(ReadOnlySpan<sbyte> codes, int count, int dim, Span<sbyte> destination)
    {
        int groups = GroupCount(dim);
        destination[..(int)PackedLength(count, dim)].Clear();
        for (int i = 0; i < count; i++)
        {
            int tile = i / TileKeys, j = i % TileKeys;
            int tileStart = tile * TileKeys * groups * 4;
            for (int d = 0; d < dim; d++)
            {
                destination[tileStart + ((d / 4) * TileKeys * 4) + (j * 4) + (d % 4)] = codes[(i * dim) + d];
            }
        }
    }

    /// <summary>
    /// C (rows × 32, row stride <paramref name="ldc"/>) = U (rows × 4·groups bytes, row stride <paramref name="ldu"/>)
    /// times one packed key tile, transposed. <paramref name="vnni"/> selects the AVX-VNNI kernel where the machine
    /// has it; otherwise (or when false) the scalar reference runs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scores(bool vnni, byte* u, int ldu, int rows, sbyte* tile, int groups, int* c, int ldc)
    {
        if (!vnni || !AvxVnni.IsSupported)
        {
            ScoresReference(u, ldu, rows, tile, groups, c, ldc);
            return;
        }

        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            Block4(u + ((nint)r * ldu), ldu, tile, groups, c + ((nint)r * ldc), ldc);
        }

        for (; r < rows; r++)
        {
            Block1(u + ((nint)r * ldu), tile, groups, c + ((nint)r * ldc));
        }
    }

    /// <summary>The scalar reference of <see cref="Scores"/>.</summary>
    public static void ScoresReference(byte* u, int ldu, int rows, sbyte* tile, int groups, int* c, int ldc)
    {
        for (int r = 0; r < rows; r++)
        {
            byte* q = u + ((nint)r * ldu);
            for (int j = 0; j < TileKeys; j++)
            {
                int sum = 0;
                for (int g = 0; g < groups; g++)
                {
                    sbyte* k = tile + ((nint)g * TileKeys * 4) + (j * 4);
                    byte* a = q + (g * 4);
                    sum += (a[0] * k[0]) + (a[1] * k[1]) + (a[2] * k[2]) + (a[3] * k[3]);
                }

                c[((nint)r * ldc) + j] = sum;
            }
        }
    }

    /// <summary>
    /// 4 query rows × 32 keys: 16 accumulators of eight lanes; one 4-byte broadcast per row and group. Four rows, not
    /// six: the JIT keeps the accumulator of an AVX-VNNI multiply-add in ymm0–15, so with 24 accumulators eight went
    /// through ymm15 with two moves each and one was spilled every iteration (the 6-row block ran at 88 % of the
    /// instruction's rate, this one at 95 %).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Block4(byte* u0, int ldu, sbyte* k, int groups, int* c, int ldc)
    {
        byte* u1 = u0 + ldu, u2 = u1 + ldu, u3 = u2 + ldu;
        Vector256<int> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<int> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<int> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector256<int> a30 = default, a31 = default, a32 = default, a33 = default;
        for (nint g = 0; g < groups; g++, k += TileKeys * 4)
        {
            var k0 = Vector256.Load(k);
            var k1 = Vector256.Load(k + 32);
            var k2 = Vector256.Load(k + 64);
            var k3 = Vector256.Load(k + 96);
            var b = Vector256.Create(*(int*)(u0 + (g * 4))).AsByte();
            a00 = AvxVnni.MultiplyWideningAndAdd(a00, b, k0);
            a01 = AvxVnni.MultiplyWideningAndAdd(a01, b, k1);
            a02 = AvxVnni.MultiplyWideningAndAdd(a02, b, k2);
            a03 = AvxVnni.MultiplyWideningAndAdd(a03, b, k3);
            b = Vector256.Create(*(int*)(u1 + (g * 4))).AsByte();
            a10 = AvxVnni.MultiplyWideningAndAdd(a10, b, k0);
            a11 = AvxVnni.MultiplyWideningAndAdd(a11, b, k1);
            a12 = AvxVnni.MultiplyWideningAndAdd(a12, b, k2);
            a13 = AvxVnni.MultiplyWideningAndAdd(a13, b, k3);
            b = Vector256.Create(*(int*)(u2 + (g * 4))).AsByte();
            a20 = AvxVnni.MultiplyWideningAndAdd(a20, b, k0);
            a21 = AvxVnni.MultiplyWideningAndAdd(a21, b, k1);
            a22 = AvxVnni.MultiplyWideningAndAdd(a22, b, k2);
            a23 = AvxVnni.MultiplyWideningAndAdd(a23, b, k3);
            b = Vector256.Create(*(int*)(u3 + (g * 4))).AsByte();
            a30 = AvxVnni.MultiplyWideningAndAdd(a30, b, k0);
            a31 = AvxVnni.MultiplyWideningAndAdd(a31, b, k1);
            a32 = AvxVnni.MultiplyWideningAndAdd(a32, b, k2);
            a33 = AvxVnni.MultiplyWideningAndAdd(a33, b, k3);
        }

        nint l = ldc;
        Store4(c, a00, a01, a02, a03);
        Store4(c + l, a10, a11, a12, a13);
        Store4(c + (2 * l), a20, a21, a22, a23);
        Store4(c + (3 * l), a30, a31, a32, a33);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Block1(byte* u, sbyte* k, int groups, int* c)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        for (nint g = 0; g < groups; g++, k += TileKeys * 4)
        {
            var b = Vector256.Create(*(int*)(u + (g * 4))).AsByte();
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, b, Vector256.Load(k));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, b, Vector256.Load(k + 32));
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, b, Vector256.Load(k + 64));
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, b, Vector256.Load(k + 96));
        }

        Store4(c, a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(int* c, Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3)
    {
        a0.Store(c);
        a1.Store(c + 8);
        a2.Store(c + 16);
        a3.Store(c + 24);
    }
}
