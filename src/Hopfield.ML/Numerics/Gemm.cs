using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Register-blocked single-precision matrix products.
/// <list type="bullet">
/// <item><see cref="ScoresPacked"/>: C = A·Bᵀ where B (the stored keys) is packed once into panels of
/// <see cref="PanelWidth"/> rows, transposed, so the micro-kernel broadcasts one element of A and
/// multiplies a whole panel row with one FMA.</item>
/// <item><see cref="MultiplyAdd"/>: C += A·B with B row-major (the value projection).</item>
/// </list>
/// Every output element is one sequential fused-multiply-add chain over the inner dimension, whatever the
/// vector width or the position of its row inside a register block. So the SIMD paths and the scalar path
/// give bit-identical results, and results do not depend on how queries are grouped into blocks or threads.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>Number of keys in one packed panel.</summary>
    public const int PanelWidth = 16;

    /// <summary>Number of panels needed for <paramref name="rows"/> rows.</summary>
    public static int PanelCount(int rows) => (rows + PanelWidth - 1) / PanelWidth;

    /// <summary>
    /// Packs a row-major matrix (rows × cols) into panels: panel p holds, for every column t,
    /// the 16 values B[16p + j, t] (j = 0..15) contiguously; missing rows are zero.
    /// </summary>
    public static float[] Pack(ReadOnlySpan<float> b, int rows, int cols)
    {
        var packed = new float[PackedLength(rows, cols)];
        Pack(b, rows, cols, packed);
        return packed;
    }

    /// <summary>Length of the packed form of a rows × cols matrix.</summary>
    public static int PackedLength(int rows, int cols) => checked(PanelCount(rows) * cols * PanelWidth);

    /// <summary>Packs into <paramref name="destination"/> (at least <see cref="PackedLength"/> long); padding is zeroed.</summary>
    public static void Pack(ReadOnlySpan<float> b, int rows, int cols, Span<float> destination)
    {
        int length = PackedLength(rows, cols);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination has {destination.Length} elements; {length} are needed.", nameof(destination));
        }

        destination[..length].Clear();
        for (int r = 0; r < rows; r++)
        {
            int p = r / PanelWidth, j = r % PanelWidth;
            ReadOnlySpan<float> row = b.Slice(r * cols, cols);
            Span<float> panel = destination.Slice(p * cols * PanelWidth, cols * PanelWidth);
            for (int t = 0; t < cols; t++)
            {
                panel[(t * PanelWidth) + j] = row[t];
            }
        }
    }

    /// <summary>
    /// C[i, j] = Σₜ A[i, t]·B[j, t] for i &lt; m and j &lt; 16·<paramref name="panelCount"/>, keys taken from
    /// <paramref name="panels"/> (the first panel of the tile). C must have room for whole panels.
    /// </summary>
    public static void ScoresPacked(SimdLevel level, float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                Scores512(a, lda, m, panels, panelCount, k, c, ldc);
                break;
            case SimdLevel.Vector256:
                Scores256(a, lda, m, panels, panelCount, k, c, ldc);
                break;
            case SimdLevel.Vector128:
                Scores128(a, lda, m, panels, panelCount, k, c, ldc);
                break;
            default:
                ScoresScalar(a, lda, m, panels, panelCount, k, c, ldc);
                break;
        }
    }

    /// <summary>C (m × n) += A (m × p) · B (p × n), all row-major with leading dimensions lda, ldb, ldc.</summary>
    public static void MultiplyAdd(SimdLevel level, float* a, int lda, int m, int p, float* b, int ldb, int n, float* c, int ldc)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                MultiplyAdd512(a, lda, m, p, b, ldb, n, c, ldc);
                break;
            case SimdLevel.Vector256:
                MultiplyAdd256(a, lda, m, p, b, ldb, n, c, ldc);
                break;
            case SimdLevel.Vector128:
                MultiplyAdd128(a, lda, m, p, b, ldb, n, c, ldc);
                break;
            default:
                MultiplyAddScalar(a, lda, 0, m, p, b, ldb, 0, n, c, ldc);
                break;
        }
    }

    /// <summary>C (m × n) = A (m × k) · Bᵀ with B (n × k); convenience wrapper that packs B.</summary>
    public static void MultiplyTransposed(SimdLevel level, ReadOnlySpan<float> a, int m, int k, ReadOnlySpan<float> b, int n, Span<float> c)
    {
        CheckLength(a, m * k, nameof(a));
        CheckLength(b, n * k, nameof(b));
        CheckLength(c, m * n, nameof(c));
        float[] packed = Pack(b, n, k);
        int panels = PanelCount(n);
        int padded = panels * PanelWidth;
        var tmp = new float[Math.Max(1, m * padded)];
        fixed (float* pa = a, pp = packed, pt = tmp)
        {
            ScoresPacked(level, pa, k, m, pp, panels, k, pt, padded);
        }

        for (int i = 0; i < m; i++)
        {
            tmp.AsSpan(i * padded, n).CopyTo(c.Slice(i * n, n));
        }
    }

    /// <summary>C (m × n) = A (m × k) · B (k × n).</summary>
    public static void Multiply(SimdLevel level, ReadOnlySpan<float> a, int m, int k, ReadOnlySpan<float> b, int n, Span<float> c)
    {
        CheckLength(a, m * k, nameof(a));
        CheckLength(b, k * n, nameof(b));
        CheckLength(c, m * n, nameof(c));
        c[..(m * n)].Clear();
        fixed (float* pa = a, pb = b, pc = c)
        {
            MultiplyAdd(level, pa, k, m, k, pb, n, n, pc, n);
        }
    }

    private static void CheckLength(ReadOnlySpan<float> s, int needed, string name)
    {
        if (s.Length < needed)
        {
            throw new ArgumentException($"Span '{name}' has {s.Length} elements; {needed} are needed.", name);
        }
    }

    // ---------------------------------------------------------------- value tiles sliced by columns

    /// <summary>Columns per slice of a sliced value tile (see <see cref="SliceTiles"/>).</summary>
    public const int ValueSlice = 32;

    /// <summary>
    /// Lays out a row-major matrix (rows × cols) tile by tile, <paramref name="tileRows"/> rows per tile (the last
    /// tile may be shorter): inside a tile of kc rows, slice s — columns 32s .. 32s + w − 1 with
    /// w = min(32, cols − 32s) — is stored as kc × w contiguous floats. Tile T starts where its first row starts in
    /// the row-major form, so the length is unchanged. The value projection reads one slice at a time: contiguous,
    /// where row-major slices would be read with a stride of cols floats (at cols = 512 every row of a slice falls
    /// into the same few L1 sets).
    /// </summary>
    public static void SliceTiles(ReadOnlySpan<float> b, int rows, int cols, int tileRows, Span<float> destination)
    {
        long length = (long)rows * cols;
        if (b.Length < length || destination.Length < length)
        {
            throw new ArgumentException($"Both spans need {length} elements; the source has {b.Length} and the destination {destination.Length}.", nameof(destination));
        }

        for (int t0 = 0; t0 < rows; t0 += tileRows)
        {
            int kc = Math.Min(tileRows, rows - t0);
            Span<float> tile = destination.Slice(t0 * cols, kc * cols);
            for (int t = 0; t < kc; t++)
            {
                ReadOnlySpan<float> row = b.Slice((t0 + t) * cols, cols);
                for (int j = 0; j < cols; j += ValueSlice)
                {
                    int w = Math.Min(ValueSlice, cols - j);
                    row.Slice(j, w).CopyTo(tile.Slice((j * kc) + (t * w), w));
                }
            }
        }
    }

    /// <summary>Offset of element (row <paramref name="t"/>, column <paramref name="col"/>) inside a sliced tile of <paramref name="kc"/> rows and <paramref name="cols"/> columns.</summary>
    public static nint SlicedOffset(int t, int col, int kc, int cols)
    {
        int j = col - (col % ValueSlice);
        int w = Math.Min(ValueSlice, cols - j);
        return ((nint)j * kc) + ((nint)t * w) + (col - j);
    }

    /// <summary>
    /// C (m × n) += A (m × p) · B where B is one sliced tile of p rows and n columns (<see cref="SliceTiles"/>).
    /// Each slice goes through <see cref="MultiplyAdd"/>, so every output is the same FMA chain as with row-major B.
    /// </summary>
    public static void MultiplyAddSliced(SimdLevel level, float* a, int lda, int m, int p, float* bTile, int n, float* c, int ldc)
    {
        for (int j = 0; j < n; j += ValueSlice)
        {
            int w = Math.Min(ValueSlice, n - j);
            MultiplyAdd(level, a, lda, m, p, bTile + ((nint)j * p), w, w, c + j, ldc);
        }
    }

    /// <summary>
    /// C[6 × 32] += A[6 × p] · B[p × 32] (B rows <paramref name="ldb"/> floats apart), the register block of
    /// <see cref="MultiplyAdd"/>. A method of its own so that only the six row pointers, B's pointer and its stride are
    /// live in the loop: inlined into the caller's loops, the JIT spilled a row pointer and recomputed the stride every
    /// step (BenchmarkDotNet, 504 rows × 128 × 784 sliced: 609 → 566 µs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Block6x32(float* a0, int lda, float* bp, int ldb, int p, float* q0, int ldc)
    {
        nint step = ldb;
        float* a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        nint l = ldc;
        var c00 = Vector512.Load(q0);
        var c01 = Vector512.Load(q0 + 16);
        var c10 = Vector512.Load(q0 + l);
        var c11 = Vector512.Load(q0 + l + 16);
        var c20 = Vector512.Load(q0 + (2 * l));
        var c21 = Vector512.Load(q0 + (2 * l) + 16);
        var c30 = Vector512.Load(q0 + (3 * l));
        var c31 = Vector512.Load(q0 + (3 * l) + 16);
        var c40 = Vector512.Load(q0 + (4 * l));
        var c41 = Vector512.Load(q0 + (4 * l) + 16);
        var c50 = Vector512.Load(q0 + (5 * l));
        var c51 = Vector512.Load(q0 + (5 * l) + 16);
        for (nint t = 0; t < p; t++, bp += step)
        {
            var x0 = Vector512.Load(bp);
            var x1 = Vector512.Load(bp + 16);
            var s = Vector512.Create(a0[t]);
            c00 = Vector512.FusedMultiplyAdd(s, x0, c00);
            c01 = Vector512.FusedMultiplyAdd(s, x1, c01);
            s = Vector512.Create(a1[t]);
            c10 = Vector512.FusedMultiplyAdd(s, x0, c10);
            c11 = Vector512.FusedMultiplyAdd(s, x1, c11);
            s = Vector512.Create(a2[t]);
            c20 = Vector512.FusedMultiplyAdd(s, x0, c20);
            c21 = Vector512.FusedMultiplyAdd(s, x1, c21);
            s = Vector512.Create(a3[t]);
            c30 = Vector512.FusedMultiplyAdd(s, x0, c30);
            c31 = Vector512.FusedMultiplyAdd(s, x1, c31);
            s = Vector512.Create(a4[t]);
            c40 = Vector512.FusedMultiplyAdd(s, x0, c40);
            c41 = Vector512.FusedMultiplyAdd(s, x1, c41);
            s = Vector512.Create(a5[t]);
            c50 = Vector512.FusedMultiplyAdd(s, x0, c50);
            c51 = Vector512.FusedMultiplyAdd(s, x1, c51);
        }

        c00.Store(q0);
        c01.Store(q0 + 16);
        c10.Store(q0 + l);
        c11.Store(q0 + l + 16);
        c20.Store(q0 + (2 * l));
        c21.Store(q0 + (2 * l) + 16);
        c30.Store(q0 + (3 * l));
        c31.Store(q0 + (3 * l) + 16);
        c40.Store(q0 + (4 * l));
        c41.Store(q0 + (4 * l) + 16);
        c50.Store(q0 + (5 * l));
        c51.Store(q0 + (5 * l) + 16);
    }

    /// <summary>
    /// y (n) += alpha · row <paramref name="t"/> of a sliced tile of <paramref name="kc"/> rows and n columns, one fused
    /// multiply-add per element at every level (so every level gives the same floats). At 512 bits the full slices take
    /// two vectors each inline: the sparse projections call this once per kept weight, and a call per 32-float slice
    /// cost more than the arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AxpySliced(SimdLevel level, float alpha, float* bTile, int t, int kc, int n, float* y)
    {
        int j = 0;
        if (level == SimdLevel.Vector512)
        {
            var a = Vector512.Create(alpha);
            float* b = bTile + ((nint)t * ValueSlice);
            nint step = (nint)kc * ValueSlice;
            for (; j + ValueSlice <= n; j += ValueSlice, b += step)
            {
                Vector512.FusedMultiplyAdd(a, Vector512.Load(b), Vector512.Load(y + j)).Store(y + j);
                Vector512.FusedMultiplyAdd(a, Vector512.Load(b + 16), Vector512.Load(y + j + 16)).Store(y + j + 16);
            }
        }

        for (; j < n; j += ValueSlice)
        {
            int w = Math.Min(ValueSlice, n - j);
            RowKernels.Axpy(level, alpha, bTile + ((nint)j * kc) + ((nint)t * w), y + j, w);
        }
    }

    // ---------------------------------------------------------------- scores: A·Bᵀ with packed B

    /// <summary>Inner-dimension chunk of the 512-bit score kernel: a pair of panel chunks (2 × 16 × 256 floats = 32 KiB) stays in L1.</summary>
    internal const int ScoreChunk = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores512(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
    {
        // Loop order: inner-dimension chunk, then a pair of panels, then query row groups. The panel-pair chunk is
        // reused by every row group from L1, and the query rows stream from L2. Chunks continue each output's single
        // FMA chain (the accumulator is stored and reloaded exactly), so results equal the unchunked kernel bit for bit.
        nint stride = (nint)k * PanelWidth;
        int chunks = Math.Max(1, (k + ScoreChunk - 1) / ScoreChunk);
        int chunk = (k + chunks - 1) / chunks;
        for (int k0 = 0; k0 < k || k0 == 0; k0 += chunk)
        {
            int k1 = Math.Min(k, k0 + chunk);
            bool first = k0 == 0;
            int p = 0;
            for (; p + 2 <= panelCount; p += 2)
            {
                float* b0 = panels + (p * stride);
                int i = 0;
                for (; i + 6 <= m; i += 6)
                {
                    Micro6x2(a + ((nint)i * lda), lda, b0, stride, k0, k1, c + ((nint)i * ldc) + (p * PanelWidth), ldc, first);
                }

                for (; i < m; i++)
                {
                    Micro1x2(a + ((nint)i * lda), b0, stride, k0, k1, c + ((nint)i * ldc) + (p * PanelWidth), first);
                }
            }

            if (p < panelCount)
            {
                float* b0 = panels + (p * stride);
                int i = 0;
                for (; i + 6 <= m; i += 6)
                {
                    Micro6x1(a + ((nint)i * lda), lda, b0, k0, k1, c + ((nint)i * ldc) + (p * PanelWidth), ldc, first);
                }

                for (; i < m; i++)
                {
                    Micro1x1(a + ((nint)i * lda), b0, k0, k1, c + ((nint)i * ldc) + (p * PanelWidth), first);
                }
            }

            if (k == 0)
            {
                break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Micro6x2(float* a0, int lda, float* b0, nint stride, int k0, int k1, float* cp, int ldc, bool first)
    {
        float* a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        float* b1 = b0 + stride;
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (first)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector512<float>.Zero;
        }
        else
        {
            c00 = Vector512.Load(cp);
            c01 = Vector512.Load(cp + 16);
            c10 = Vector512.Load(cp + ldc);
            c11 = Vector512.Load(cp + ldc + 16);
            c20 = Vector512.Load(cp + (2 * ldc));
            c21 = Vector512.Load(cp + (2 * ldc) + 16);
            c30 = Vector512.Load(cp + (3 * ldc));
            c31 = Vector512.Load(cp + (3 * ldc) + 16);
            c40 = Vector512.Load(cp + (4 * ldc));
            c41 = Vector512.Load(cp + (4 * ldc) + 16);
            c50 = Vector512.Load(cp + (5 * ldc));
            c51 = Vector512.Load(cp + (5 * ldc) + 16);
        }

        for (int t = k0; t < k1; t++)
        {
            var x0 = Vector512.Load(b0 + (t * PanelWidth));
            var x1 = Vector512.Load(b1 + (t * PanelWidth));
            var s = Vector512.Create(a0[t]);
            c00 = Vector512.FusedMultiplyAdd(s, x0, c00);
            c01 = Vector512.FusedMultiplyAdd(s, x1, c01);
            s = Vector512.Create(a1[t]);
            c10 = Vector512.FusedMultiplyAdd(s, x0, c10);
            c11 = Vector512.FusedMultiplyAdd(s, x1, c11);
            s = Vector512.Create(a2[t]);
            c20 = Vector512.FusedMultiplyAdd(s, x0, c20);
            c21 = Vector512.FusedMultiplyAdd(s, x1, c21);
            s = Vector512.Create(a3[t]);
            c30 = Vector512.FusedMultiplyAdd(s, x0, c30);
            c31 = Vector512.FusedMultiplyAdd(s, x1, c31);
            s = Vector512.Create(a4[t]);
            c40 = Vector512.FusedMultiplyAdd(s, x0, c40);
            c41 = Vector512.FusedMultiplyAdd(s, x1, c41);
            s = Vector512.Create(a5[t]);
            c50 = Vector512.FusedMultiplyAdd(s, x0, c50);
            c51 = Vector512.FusedMultiplyAdd(s, x1, c51);
        }

        c00.Store(cp);
        c01.Store(cp + 16);
        cp += ldc;
        c10.Store(cp);
        c11.Store(cp + 16);
        cp += ldc;
        c20.Store(cp);
        c21.Store(cp + 16);
        cp += ldc;
        c30.Store(cp);
        c31.Store(cp + 16);
        cp += ldc;
        c40.Store(cp);
        c41.Store(cp + 16);
        cp += ldc;
        c50.Store(cp);
        c51.Store(cp + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Micro6x1(float* a0, int lda, float* b0, int k0, int k1, float* cp, int ldc, bool first)
    {
        float* a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        Vector512<float> c00, c10, c20, c30, c40, c50;
        if (first)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = Vector512<float>.Zero;
        }
        else
        {
            c00 = Vector512.Load(cp);
            c10 = Vector512.Load(cp + ldc);
            c20 = Vector512.Load(cp + (2 * ldc));
            c30 = Vector512.Load(cp + (3 * ldc));
            c40 = Vector512.Load(cp + (4 * ldc));
            c50 = Vector512.Load(cp + (5 * ldc));
        }

        for (int t = k0; t < k1; t++)
        {
            var x0 = Vector512.Load(b0 + (t * PanelWidth));
            c00 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[t]), x0, c00);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[t]), x0, c10);
            c20 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[t]), x0, c20);
            c30 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[t]), x0, c30);
            c40 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[t]), x0, c40);
            c50 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[t]), x0, c50);
        }

        c00.Store(cp);
        c10.Store(cp + ldc);
        c20.Store(cp + (2 * ldc));
        c30.Store(cp + (3 * ldc));
        c40.Store(cp + (4 * ldc));
        c50.Store(cp + (5 * ldc));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Micro1x2(float* a0, float* b0, nint stride, int k0, int k1, float* cp, bool first)
    {
        float* b1 = b0 + stride;
        Vector512<float> c00 = first ? Vector512<float>.Zero : Vector512.Load(cp);
        Vector512<float> c01 = first ? Vector512<float>.Zero : Vector512.Load(cp + 16);
        for (int t = k0; t < k1; t++)
        {
            var s = Vector512.Create(a0[t]);
            c00 = Vector512.FusedMultiplyAdd(s, Vector512.Load(b0 + (t * PanelWidth)), c00);
            c01 = Vector512.FusedMultiplyAdd(s, Vector512.Load(b1 + (t * PanelWidth)), c01);
        }

        c00.Store(cp);
        c01.Store(cp + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Micro1x1(float* a0, float* b0, int k0, int k1, float* cp, bool first)
    {
        Vector512<float> c00 = first ? Vector512<float>.Zero : Vector512.Load(cp);
        for (int t = k0; t < k1; t++)
        {
            c00 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[t]), Vector512.Load(b0 + (t * PanelWidth)), c00);
        }

        c00.Store(cp);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores256(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
    {
        nint stride = (nint)k * PanelWidth;
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
                    var x0 = Vector256.Load(b0 + (t * PanelWidth));
                    var x1 = Vector256.Load(b0 + (t * PanelWidth) + 8);
                    var s = Vector256.Create(a0[t]);
                    c00 = Vector256.FusedMultiplyAdd(s, x0, c00);
                    c01 = Vector256.FusedMultiplyAdd(s, x1, c01);
                    s = Vector256.Create(a1[t]);
                    c10 = Vector256.FusedMultiplyAdd(s, x0, c10);
                    c11 = Vector256.FusedMultiplyAdd(s, x1, c11);
                    s = Vector256.Create(a2[t]);
                    c20 = Vector256.FusedMultiplyAdd(s, x0, c20);
                    c21 = Vector256.FusedMultiplyAdd(s, x1, c21);
                    s = Vector256.Create(a3[t]);
                    c30 = Vector256.FusedMultiplyAdd(s, x0, c30);
                    c31 = Vector256.FusedMultiplyAdd(s, x1, c31);
                }

                float* cp = c0 + (p * PanelWidth);
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
                    c00 = Vector256.FusedMultiplyAdd(s, Vector256.Load(b0 + (t * PanelWidth)), c00);
                    c01 = Vector256.FusedMultiplyAdd(s, Vector256.Load(b0 + (t * PanelWidth) + 8), c01);
                }

                c00.Store(c0 + (p * PanelWidth));
                c01.Store(c0 + (p * PanelWidth) + 8);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores128(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
    {
        nint stride = (nint)k * PanelWidth;
        int i = 0;
        for (; i + 2 <= m; i += 2)
        {
            float* a0 = a + ((nint)i * lda), a1 = a0 + lda;
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
                Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default;
                for (int t = 0; t < k; t++)
                {
                    float* bt = b0 + (t * PanelWidth);
                    var x0 = Vector128.Load(bt);
                    var x1 = Vector128.Load(bt + 4);
                    var x2 = Vector128.Load(bt + 8);
                    var x3 = Vector128.Load(bt + 12);
                    var s = Vector128.Create(a0[t]);
                    c00 = Vector128.FusedMultiplyAdd(s, x0, c00);
                    c01 = Vector128.FusedMultiplyAdd(s, x1, c01);
                    c02 = Vector128.FusedMultiplyAdd(s, x2, c02);
                    c03 = Vector128.FusedMultiplyAdd(s, x3, c03);
                    s = Vector128.Create(a1[t]);
                    c10 = Vector128.FusedMultiplyAdd(s, x0, c10);
                    c11 = Vector128.FusedMultiplyAdd(s, x1, c11);
                    c12 = Vector128.FusedMultiplyAdd(s, x2, c12);
                    c13 = Vector128.FusedMultiplyAdd(s, x3, c13);
                }

                float* cp = c0 + (p * PanelWidth);
                c00.Store(cp);
                c01.Store(cp + 4);
                c02.Store(cp + 8);
                c03.Store(cp + 12);
                cp += ldc;
                c10.Store(cp);
                c11.Store(cp + 4);
                c12.Store(cp + 8);
                c13.Store(cp + 12);
            }
        }

        for (; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
                for (int t = 0; t < k; t++)
                {
                    float* bt = b0 + (t * PanelWidth);
                    var s = Vector128.Create(a0[t]);
                    c00 = Vector128.FusedMultiplyAdd(s, Vector128.Load(bt), c00);
                    c01 = Vector128.FusedMultiplyAdd(s, Vector128.Load(bt + 4), c01);
                    c02 = Vector128.FusedMultiplyAdd(s, Vector128.Load(bt + 8), c02);
                    c03 = Vector128.FusedMultiplyAdd(s, Vector128.Load(bt + 12), c03);
                }

                float* cp = c0 + (p * PanelWidth);
                c00.Store(cp);
                c01.Store(cp + 4);
                c02.Store(cp + 8);
                c03.Store(cp + 12);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoresScalar(float* a, int lda, int m, float* panels, int panelCount, int k, float* c, int ldc)
    {
        nint stride = (nint)k * PanelWidth;
        for (int i = 0; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            float* c0 = c + ((nint)i * ldc);
            for (int p = 0; p < panelCount; p++)
            {
                float* b0 = panels + (p * stride);
                for (int j = 0; j < PanelWidth; j++)
                {
                    float acc = 0;
                    for (int t = 0; t < k; t++)
                    {
                        acc = MathF.FusedMultiplyAdd(a0[t], b0[(t * PanelWidth) + j], acc);
                    }

                    c0[(p * PanelWidth) + j] = acc;
                }
            }
        }
    }

    // ---------------------------------------------------------------- C += A·B, B row-major

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd512(float* a, int lda, int m, int p, float* b, int ldb, int n, float* c, int ldc)
    {
        // 32-column chunks outer, row groups inner: the p × 32 slice of B (16 KiB for a 128-key tile) stays in L1 and is
        // reused by every row group, while the small weight rows and the accumulator chunks come from L2.
        int n32 = n & ~31;
        int n16 = n - n32 >= 16 ? n32 + 16 : n32;
        int m6 = m - (m % 6);
        for (int j = 0; j < n32; j += 32)
        {
            for (int i = 0; i < m6; i += 6)
            {
                Block6x32(a + ((nint)i * lda), lda, b + j, ldb, p, c + ((nint)i * ldc) + j, ldc);
            }
        }

        for (int i = 0; i < m6 && n16 > n32; i += 6)
        {
            float* a0 = a + ((nint)i * lda), a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
            {
                float* q0 = c + ((nint)i * ldc) + n32, q1 = q0 + ldc, q2 = q1 + ldc, q3 = q2 + ldc, q4 = q3 + ldc, q5 = q4 + ldc;
                var c00 = Vector512.Load(q0);
                var c10 = Vector512.Load(q1);
                var c20 = Vector512.Load(q2);
                var c30 = Vector512.Load(q3);
                var c40 = Vector512.Load(q4);
                var c50 = Vector512.Load(q5);
                float* bp = b + n32;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    var x0 = Vector512.Load(bp);
                    c00 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[t]), x0, c00);
                    c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[t]), x0, c10);
                    c20 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[t]), x0, c20);
                    c30 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[t]), x0, c30);
                    c40 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[t]), x0, c40);
                    c50 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[t]), x0, c50);
                }

                c00.Store(q0);
                c10.Store(q1);
                c20.Store(q2);
                c30.Store(q3);
                c40.Store(q4);
                c50.Store(q5);
            }
        }

        for (int i = m6; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            for (int j = 0; j < n32; j += 32)
            {
                float* q0 = c + ((nint)i * ldc) + j;
                var c00 = Vector512.Load(q0);
                var c01 = Vector512.Load(q0 + 16);
                float* bp = b + j;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    var s = Vector512.Create(a0[t]);
                    c00 = Vector512.FusedMultiplyAdd(s, Vector512.Load(bp), c00);
                    c01 = Vector512.FusedMultiplyAdd(s, Vector512.Load(bp + 16), c01);
                }

                c00.Store(q0);
                c01.Store(q0 + 16);
            }
        }

        int jj = n32;
        for (; jj < n16; jj += 16)
        {
            for (int r = m6; r < m; r++)
            {
                float* a0 = a + ((nint)r * lda);
                float* q0 = c + ((nint)r * ldc) + jj;
                var c00 = Vector512.Load(q0);
                float* bp = b + jj;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    c00 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[t]), Vector512.Load(bp), c00);
                }

                c00.Store(q0);
            }
        }

        MultiplyAddScalar(a, lda, 0, m, p, b, ldb, n16, n, c, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd256(float* a, int lda, int m, int p, float* b, int ldb, int n, float* c, int ldc)
    {
        int j = 0;
        for (; j + 16 <= n; j += 16)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                float* a0 = a + ((nint)i * lda), a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
                float* q0 = c + ((nint)i * ldc) + j, q1 = q0 + ldc, q2 = q1 + ldc, q3 = q2 + ldc;
                var c00 = Vector256.Load(q0);
                var c01 = Vector256.Load(q0 + 8);
                var c10 = Vector256.Load(q1);
                var c11 = Vector256.Load(q1 + 8);
                var c20 = Vector256.Load(q2);
                var c21 = Vector256.Load(q2 + 8);
                var c30 = Vector256.Load(q3);
                var c31 = Vector256.Load(q3 + 8);
                float* bp = b + j;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    var x0 = Vector256.Load(bp);
                    var x1 = Vector256.Load(bp + 8);
                    var s = Vector256.Create(a0[t]);
                    c00 = Vector256.FusedMultiplyAdd(s, x0, c00);
                    c01 = Vector256.FusedMultiplyAdd(s, x1, c01);
                    s = Vector256.Create(a1[t]);
                    c10 = Vector256.FusedMultiplyAdd(s, x0, c10);
                    c11 = Vector256.FusedMultiplyAdd(s, x1, c11);
                    s = Vector256.Create(a2[t]);
                    c20 = Vector256.FusedMultiplyAdd(s, x0, c20);
                    c21 = Vector256.FusedMultiplyAdd(s, x1, c21);
                    s = Vector256.Create(a3[t]);
                    c30 = Vector256.FusedMultiplyAdd(s, x0, c30);
                    c31 = Vector256.FusedMultiplyAdd(s, x1, c31);
                }

                c00.Store(q0);
                c01.Store(q0 + 8);
                c10.Store(q1);
                c11.Store(q1 + 8);
                c20.Store(q2);
                c21.Store(q2 + 8);
                c30.Store(q3);
                c31.Store(q3 + 8);
            }

            for (; i < m; i++)
            {
                float* a0 = a + ((nint)i * lda);
                float* q0 = c + ((nint)i * ldc) + j;
                var c00 = Vector256.Load(q0);
                var c01 = Vector256.Load(q0 + 8);
                float* bp = b + j;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    var s = Vector256.Create(a0[t]);
                    c00 = Vector256.FusedMultiplyAdd(s, Vector256.Load(bp), c00);
                    c01 = Vector256.FusedMultiplyAdd(s, Vector256.Load(bp + 8), c01);
                }

                c00.Store(q0);
                c01.Store(q0 + 8);
            }
        }

        for (; j + 8 <= n; j += 8)
        {
            for (int i = 0; i < m; i++)
            {
                float* a0 = a + ((nint)i * lda);
                float* q0 = c + ((nint)i * ldc) + j;
                var c00 = Vector256.Load(q0);
                float* bp = b + j;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    c00 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[t]), Vector256.Load(bp), c00);
                }

                c00.Store(q0);
            }
        }

        MultiplyAddScalar(a, lda, 0, m, p, b, ldb, j, n, c, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd128(float* a, int lda, int m, int p, float* b, int ldb, int n, float* c, int ldc)
    {
        int j = 0;
        for (; j + 8 <= n; j += 8)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                float* a0 = a + ((nint)i * lda), a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
                float* q0 = c + ((nint)i * ldc) + j, q1 = q0 + ldc, q2 = q1 + ldc, q3 = q2 + ldc;
                var c00 = Vector128.Load(q0);
                var c01 = Vector128.Load(q0 + 4);
                var c10 = Vector128.Load(q1);
                var c11 = Vector128.Load(q1 + 4);
                var c20 = Vector128.Load(q2);
                var c21 = Vector128.Load(q2 + 4);
                var c30 = Vector128.Load(q3);
                var c31 = Vector128.Load(q3 + 4);
                float* bp = b + j;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    var x0 = Vector128.Load(bp);
                    var x1 = Vector128.Load(bp + 4);
                    var s = Vector128.Create(a0[t]);
                    c00 = Vector128.FusedMultiplyAdd(s, x0, c00);
                    c01 = Vector128.FusedMultiplyAdd(s, x1, c01);
                    s = Vector128.Create(a1[t]);
                    c10 = Vector128.FusedMultiplyAdd(s, x0, c10);
                    c11 = Vector128.FusedMultiplyAdd(s, x1, c11);
                    s = Vector128.Create(a2[t]);
                    c20 = Vector128.FusedMultiplyAdd(s, x0, c20);
                    c21 = Vector128.FusedMultiplyAdd(s, x1, c21);
                    s = Vector128.Create(a3[t]);
                    c30 = Vector128.FusedMultiplyAdd(s, x0, c30);
                    c31 = Vector128.FusedMultiplyAdd(s, x1, c31);
                }

                c00.Store(q0);
                c01.Store(q0 + 4);
                c10.Store(q1);
                c11.Store(q1 + 4);
                c20.Store(q2);
                c21.Store(q2 + 4);
                c30.Store(q3);
                c31.Store(q3 + 4);
            }

            for (; i < m; i++)
            {
                float* a0 = a + ((nint)i * lda);
                float* q0 = c + ((nint)i * ldc) + j;
                var c00 = Vector128.Load(q0);
                var c01 = Vector128.Load(q0 + 4);
                float* bp = b + j;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    var s = Vector128.Create(a0[t]);
                    c00 = Vector128.FusedMultiplyAdd(s, Vector128.Load(bp), c00);
                    c01 = Vector128.FusedMultiplyAdd(s, Vector128.Load(bp + 4), c01);
                }

                c00.Store(q0);
                c01.Store(q0 + 4);
            }
        }

        MultiplyAddScalar(a, lda, 0, m, p, b, ldb, j, n, c, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAddScalar(float* a, int lda, int i0, int m, int p, float* b, int ldb, int j0, int n, float* c, int ldc)
    {
        if (j0 >= n)
        {
            return; // no columns left: the SIMD paths call this for their tail, which is usually empty
        }

        for (int i = i0; i < m; i++)
        {
            float* a0 = a + ((nint)i * lda);
            float* q0 = c + ((nint)i * ldc);
            for (int j = j0; j < n; j++)
            {
                float acc = q0[j];
                float* bp = b + j;
                for (int t = 0; t < p; t++, bp += ldb)
                {
                    acc = MathF.FusedMultiplyAdd(a0[t], *bp, acc);
                }

                q0[j] = acc;
            }
        }
    }
}
