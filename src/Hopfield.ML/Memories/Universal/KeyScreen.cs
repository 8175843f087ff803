using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Memories.Universal;

/// <summary>
/// An 8-bit copy of the stored keys that bounds every score from both sides, so that a softmax retrieval can skip the
/// keys whose weight is provably negligible before computing any exact score.
/// <para>
/// Query q and key k are quantised symmetrically (q̂ = s_q·codes, k̂ = s_k·codes). The 8-bit product gives
/// ŝ = q̂·k̂ exactly (<see cref="Int8Gemm"/>), and by Cauchy–Schwarz
/// |q·k − ŝ| ≤ |(q − q̂)·k| + |q̂·(k − k̂)| ≤ ‖q − q̂‖₂‖k‖₂ + ‖k − k̂‖₂‖q̂‖₂ (all four norms stored rounded up; for
/// dense vectors this is about 30 % tighter than the ∞·1-norm form). A slack term covers the float rounding of both the
/// exact dot product the dense path computes (≤ D·2⁻²³·‖q‖₁·max|k|) and of ŝ itself. So every key's score lies in
/// [ŝ − e, ŝ + e]. With L the largest lower bound of a query (≤ its best score m), a key whose upper bound is below
/// L − ln(P / τ) / β has softmax weight below τ / P of the best one; all such keys together weigh less than τ.
/// </para>
/// <para>
/// For negative Euclidean scores −‖q − k‖ the same bounds on q·k bound ‖q − k‖² = ‖q‖² + ‖k‖² − 2q·k from both
/// sides (<see cref="DistanceBounds"/>): widened by the relative rounding of the dense path's squared-distance chain
/// and of the norms, then taken through the square root.
/// </para>
/// </summary>
internal sealed unsafe class KeyScreen
{
    /// <summary>Float-rounding slack per unit of ‖q‖₁·max|k| and dimension (2⁻²³ with a factor of 2 to spare).</summary>
    private const float DotRounding = 2.4e-7f;

    /// <summary>Relative rounding slack of the screened score ŝ (a few ulps).</summary>
    private const float ScoreRounding = 6e-7f;

    /// <summary>Largest (‖q‖₁ + max‖k‖)² whose bounds are computed (float's maximum / 2¹⁰).</summary>
    private const double BoundedSquare = float.MaxValue / 1024.0;

    /// <summary>Relative rounding allowed for a float square root and the product that scales it (two ulps).</summary>
    private const float RootRounding = 4.76837158203125E-07f;

    private readonly sbyte[] _codes;
    private readonly float[] _scale;
    private readonly float[] _residual;
    private readonly float[] _norm;
    private readonly int[] _offset;
    private readonly float[]? _normSquared;

    /// <summary>
    /// Quantises <paramref name="keys"/> (row-major count × dim, as the scores see them: normalised for cosine).
    /// With <paramref name="distances"/> the bounds are of −‖q − k‖ instead of q·k.
    /// </summary>
    public KeyScreen(ReadOnlySpan<float> keys, int count, int dim, bool distances = false)
    {
        Groups = Int8Gemm.GroupCount(dim);
        PaddedDimension = Int8Gemm.PaddedDimension(dim);
        int padded = (count + RetrievalEngine.KeyTile - 1) / RetrievalEngine.KeyTile * RetrievalEngine.KeyTile;
        _scale = new float[padded];
        _residual = new float[padded];
        _norm = new float[padded];
        _offset = new int[padded];
        Distances = distances;
        _normSquared = distances ? new float[padded] : null;

        // A float sum of D non-negative terms, each a rounded difference squared, is within (D + 2)·2⁻²⁴ of the real one
        // (relative); twice that, plus a few ulps for the bounds' own operations.
        DistanceRounding = ((dim + 4) * 1.1920928955078125E-07f) + 9.5367431640625E-07f;

        // Below the normal range the rounding is absolute (up to 2⁻¹⁴⁹ a step): D + 4 smallest normals cover it.
        DistanceFloor = (dim + 4) * 1.17549435E-38f;
        var rowCodes = new sbyte[(long)count * dim];
        for (int i = 0; i < count; i++)
        {
            var row = keys.Slice(i * dim, dim);
            var codes = rowCodes.AsSpan(i * dim, dim);
            _scale[i] = Int8Gemm.Quantize(row, codes, out _residual[i]);
            double squares = 0;
            int sum = 0;
            for (int d = 0; d < dim; d++)
            {
                squares += (double)row[d] * row[d];
                sum += codes[d];
            }

            _norm[i] = Int8Gemm.RoundUp(Math.Sqrt(squares));
            MaxKeyNorm = Math.Max(MaxKeyNorm, Math.Sqrt(squares));
            _offset[i] = 128 * sum;
            if (_normSquared is not null)
            {
                _normSquared[i] = (float)squares;
            }
        }

        _codes = GC.AllocateUninitializedArray<sbyte>((int)Math.Max(1, Int8Gemm.PackedLength(count, dim)), pinned: true);
        Int8Gemm.PackKeys(rowCodes, count, dim, _codes);
        Codes = (sbyte*)Unsafe.AsPointer(ref _codes[0]);
    }

    /// <summary>The largest ‖k‖₂ of the stored keys.</summary>
    public double MaxKeyNorm { get; }

    /// <summary>Whether the bounds are of −‖q − k‖ (negative Euclidean) rather than of q·k.</summary>
    public bool Distances { get; }

    /// <summary>
    /// Relative rounding allowed for a float squared distance (the dense chain's, a vectorised one's, a norm's):
    /// (D + 4)·2⁻²³ + 2⁻²⁰.
    /// </summary>
    public float DistanceRounding { get; }

    /// <summary>Absolute slack of a squared distance for chains that reach subnormal floats: (D + 4)·2⁻¹²⁶.</summary>
    public float DistanceFloor { get; }

    /// <summary>Groups of four dimensions.</summary>
    public int Groups { get; }

    /// <summary>Bytes per query code row.</summary>
    public int PaddedDimension { get; }

    /// <summary>The packed key codes (pinned).</summary>
    public sbyte* Codes { get; }

    /// <summary>Quantisation scale of key <paramref name="i"/> (max|k| / 127).</summary>
    public float Scale(int i) => _scale[i];

    /// <summary>
    /// Quantises one query for the 8-bit product: <paramref name="codes"/> receives code + 128 as unsigned bytes
    /// (padding dimensions 128, i.e. code 0). Returns the numbers <see cref="TileBounds"/> needs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public QueryCode EncodeQuery(SimdLevel level, ReadOnlySpan<float> q, byte* codes, Span<sbyte> buffer)
    {
        float scale = Int8Gemm.QuantizeBiased(level, q, codes, buffer, out float residual, out double l1, out long codeSquares);
        for (int d = q.Length; d < PaddedDimension; d++)
        {
            codes[d] = 128;
        }

        int dim = q.Length;
        float codeNorm = Int8Gemm.RoundUp(scale * Math.Sqrt(codeSquares));

        // Slack per unit of the key scale: max|k| = 127·s_k, so D·ε·‖q‖₁·max|k| and the rounding of
        // |ŝ| ≤ ‖q̂‖₁·max|k| ≤ √D·‖q̂‖₂·max|k| are both multiples of s_k. The bound's own few roundings are far inside it.
        float slack = Int8Gemm.RoundUp(Int8Gemm.MaxCode * ((dim * DotRounding * l1) + (ScoreRounding * Math.Sqrt(dim) * codeNorm)));

        // ‖q‖² in float: within DistanceRounding of the real one, which the distance bounds allow for.
        float normSquared = Distances ? VectorKernels.Dot(level, q, q) : 0;
        // Every number of the bounds (ŝ, e, ‖q‖² + ‖k‖², their sums) is at most a few (‖q‖₁ + max‖k‖)²: far enough below
        // float's range, the bounds are finite; otherwise (values near 1e18 and up) the query takes the fused path.
        double reach = l1 + MaxKeyNorm;
        bool bounded = reach * reach <= BoundedSquare;
        return new QueryCode(scale, residual, codeNorm, slack, normSquared, bounded);
    }

    /// <summary>
    /// A lower bound of the score −fl(√c) the dense path gives a key whose squared distance a float kernel (any
    /// summation order) computed as <paramref name="squaredDistance"/>: the dense chain c is within the same relative
    /// rounding of the real distance, so c ≤ f·(1 + 3δ) (+ 3 × <see cref="DistanceFloor"/> for subnormal sums).
    /// </summary>
    public float DistanceScoreFloor(float squaredDistance) =>
        -(MathF.Sqrt(MathF.FusedMultiplyAdd(squaredDistance, 1 + (3 * DistanceRounding), 3 * DistanceFloor)) * (1 + RootRounding));

    /// <summary>
    /// Score bounds of one tile for one query: <paramref name="upper"/>[j] = ŝ + e for j &lt; kc (for distances the
    /// bound −l of <see cref="DistanceBounds"/>, see <see cref="ScoreOfBound"/>); returns the largest lower bound of the
    /// scores over the tile (ŝ − e). <paramref name="dots"/> are the raw 8-bit products of <see cref="Int8Gemm"/>.
    /// The 512-bit path and the scalar path compute the same floats (same operations, same fused multiply-adds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float TileBounds(SimdLevel level, int* dots, int keyStart, int kc, in QueryCode q, float* upper)
    {
        if (Distances)
        {
            return DistanceBounds(level, dots, keyStart, kc, q, upper);
        }

        fixed (float* pScale = _scale, pResidual = _residual, pNorm = _norm)
        fixed (int* pOffset = _offset)
        {
            float* sc = pScale + keyStart, residual = pResidual + keyStart, norm = pNorm + keyStart;
            int* off = pOffset + keyStart;
            float best = float.NegativeInfinity;
            int j = 0;
            if (level == SimdLevel.Vector512)
            {
                var vs = Vector512.Create(q.Scale);
                var ve = Vector512.Create(q.Residual);
                var vl = Vector512.Create(q.CodeNorm);
                var vk = Vector512.Create(q.Slack);
                var vbest = Vector512.Create(float.NegativeInfinity);
                for (; j + 16 <= kc; j += 16)
                {
                    var s = Estimate(dots, off, sc, norm, residual, j, vs, ve, vl, vk, out var e);
                    (s + e).Store(upper + j);
                    vbest = Vector512.Max(vbest, s - e);
                }

                best = RowKernels.HorizontalMax(vbest);
            }

            for (; j < kc; j++)
            {
                float s = Estimate(dots, off, sc, norm, residual, j, q, out float e);
                upper[j] = s + e;
                best = Math.Max(best, s - e);
            }

            return best;
        }
    }

    /// <summary>ŝ and the half-width e of keys j … j + 15 (<see cref="TileBounds"/>'s interval ŝ ± e of q·k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Estimate(int* dots, int* off, float* sc, float* norm, float* residual, int j, Vector512<float> vs, Vector512<float> ve, Vector512<float> vl, Vector512<float> vk, out Vector512<float> e)
    {
        var kScale = Vector512.Load(sc + j);
        e = Vector512.FusedMultiplyAdd(ve, Vector512.Load(norm + j), Vector512.FusedMultiplyAdd(vl, Vector512.Load(residual + j), vk * kScale));
        return Vector512.ConvertToSingle(Vector512.Load(dots + j) - Vector512.Load(off + j)) * (kScale * vs);
    }

    /// <summary>ŝ and e of key j, the same floats as the 512-bit form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Estimate(int* dots, int* off, float* sc, float* norm, float* residual, int j, in QueryCode q, out float e)
    {
        e = MathF.FusedMultiplyAdd(q.Residual, norm[j], MathF.FusedMultiplyAdd(q.CodeNorm, residual[j], q.Slack * sc[j]));
        return (dots[j] - off[j]) * (sc[j] * q.Scale);
    }

    /// <summary>
    /// <see cref="TileBounds"/> for scores −‖q − k‖. With q·k ∈ [ŝ − e, ŝ + e] and n = ‖q‖² + ‖k‖² (both norms
    /// within δ = <see cref="DistanceRounding"/>), the real ‖q − k‖² lies in n − 2ŝ ∓ (2e + δ·(2n + 2e) + <see cref="DistanceFloor"/>); the dense
    /// chain is within δ of it, and its correctly rounded root within 2⁻²⁴ of that. The bound stored for a key is −l,
    /// l its lower bound of the squared distance (<see cref="ScoreOfBound"/> gives the score bound −√l, widened by two
    /// ulps): no root is taken per key, and thresholds are squared instead (<see cref="BoundOfThreshold"/>). Returns
    /// the largest lower bound of the scores, −√h (widened) of the smallest upper bound h. Same floats at 512 bits and
    /// scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float DistanceBounds(SimdLevel level, int* dots, int keyStart, int kc, in QueryCode q, float* upper)
    {
        float delta = DistanceRounding, floor = DistanceFloor, shrink = 1 - delta, grow = 1 + delta;
        fixed (float* pScale = _scale, pResidual = _residual, pNorm = _norm, pSquares = _normSquared)
        fixed (int* pOffset = _offset)
        {
            float* sc = pScale + keyStart, residual = pResidual + keyStart, norm = pNorm + keyStart, squares = pSquares + keyStart;
            int* off = pOffset + keyStart;
            float nearest = float.PositiveInfinity;
            int j = 0;
            if (level == SimdLevel.Vector512)
            {
                var vs = Vector512.Create(q.Scale);
                var ve = Vector512.Create(q.Residual);
                var vl = Vector512.Create(q.CodeNorm);
                var vk = Vector512.Create(q.Slack);
                var vq = Vector512.Create(q.NormSquared);
                var vd = Vector512.Create(delta);
                var vm2 = Vector512.Create(-2f);
                var vnearest = Vector512.Create(float.PositiveInfinity);
                for (; j + 16 <= kc; j += 16)
                {
                    var s = Estimate(dots, off, sc, norm, residual, j, vs, ve, vl, vk, out var e);
                    var n = vq + Vector512.Load(squares + j);
                    var centre = Vector512.FusedMultiplyAdd(vm2, s, n);
                    var e2 = e + e;
                    var spread = Vector512.FusedMultiplyAdd(vd, n + n + e2, e2) + Vector512.Create(floor);
                    (-Vector512.Max((centre - spread) * Vector512.Create(shrink), Vector512<float>.Zero)).Store(upper + j);
                    vnearest = Vector512.Min(vnearest, (centre + spread) * Vector512.Create(grow));
                }

                nearest = -RowKernels.HorizontalMax(-vnearest);
            }

            for (; j < kc; j++)
            {
                float s = Estimate(dots, off, sc, norm, residual, j, q, out float e);
                float n = q.NormSquared + squares[j];
                float centre = MathF.FusedMultiplyAdd(-2f, s, n);
                float e2 = e + e;
                float spread = MathF.FusedMultiplyAdd(delta, n + n + e2, e2) + floor;
                upper[j] = -Math.Max((centre - spread) * shrink, 0f);
                nearest = Math.Min(nearest, (centre + spread) * grow);
            }

            // The root and the scaling are monotone: the same float as the largest of the keys' own −√h.
            return -(MathF.Sqrt(nearest) * (1 + RootRounding));
        }
    }

    /// <summary>
    /// The score bound that a candidate's bound stands for: the bound itself for dot products; for distances the bound
    /// is −l, l a lower bound of ‖q − k‖² (<see cref="DistanceBounds"/>), and the score bound −√l (widened by two ulps).
    /// </summary>
    public float ScoreOfBound(float bound) => Distances ? -(MathF.Sqrt(Math.Max(-bound, 0f)) * (1 - RootRounding)) : bound;

    /// <summary>
    /// A threshold on candidates' bounds that keeps every candidate whose score bound (<see cref="ScoreOfBound"/>)
    /// reaches the score <paramref name="threshold"/>: the threshold itself for dot products; for distances
    /// −(t / (1 − 2 ulps))², widened by 2⁻¹⁸ for the roundings of the root, of the scaling and of this square, so that
    /// no root is taken per key. −∞ stays −∞.
    /// </summary>
    public float BoundOfThreshold(float threshold)
    {
        if (!Distances)
        {
            return threshold;
        }

        if (threshold >= 0)
        {
            return 0; // only a distance of zero reaches a score of zero
        }

        float root = threshold / (1 - RootRounding);
        return -(root * root * (1 + 3.814697265625E-06f));
    }

    /// <summary>
    /// Appends the keys of one tile whose upper bound reaches <paramref name="threshold"/> (index, upper bound) to a
    /// candidate list; returns the new length. The caller guarantees room for <paramref name="kc"/> more entries (the
    /// 512-bit path stores whole vectors: it writes up to 16 slots past the new length, inside that room).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Collect(SimdLevel level, float* upper, int keyStart, int kc, float threshold, int* indices, float* bounds, int n)
    {
        int j = 0;
        if (level == SimdLevel.Vector512)
        {
            // Branch-free: the register form of vcompress packs the kept lanes to the front, a full store writes them.
            var vt = Vector512.Create(threshold);
            var index = Vector512.Create(keyStart) + Vector512<int>.Indices;
            for (; j + 16 <= kc; j += 16)
            {
                var u = Vector512.Load(upper + j);
                var keep = Vector512.GreaterThanOrEqual(u, vt);
                Avx512F.Compress(Vector512<float>.Zero, keep, u).Store(bounds + n);
                Avx512F.Compress(Vector512<int>.Zero, keep.AsInt32(), index + Vector512.Create(j)).Store(indices + n);
                n += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
        }

        for (; j < kc; j++)
        {
            if (upper[j] >= threshold)
            {
                indices[n] = keyStart + j;
                bounds[n++] = upper[j];
            }
        }

        return n;
    }

    /// <summary>Keeps the entries whose bound reaches <paramref name="threshold"/>, in order; returns the new length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Compact(SimdLevel level, int* indices, float* bounds, int n, float threshold)
    {
        int kept = 0, i = 0;
        if (level == SimdLevel.Vector512)
        {
            // In place: the kept entries of a vector land at or before its own position, so nothing unread is overwritten.
            var vt = Vector512.Create(threshold);
            for (; i + 16 <= n; i += 16)
            {
                var b = Vector512.Load(bounds + i);
                var ix = Vector512.Load(indices + i);
                var keep = Vector512.GreaterThanOrEqual(b, vt);
                Avx512F.Compress(Vector512<float>.Zero, keep, b).Store(bounds + kept);
                Avx512F.Compress(Vector512<int>.Zero, keep.AsInt32(), ix).Store(indices + kept);
                kept += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
        }

        for (; i < n; i++)
        {
            if (bounds[i] >= threshold)
            {
                indices[kept] = indices[i];
                bounds[kept++] = bounds[i];
            }
        }

        return kept;
    }
}

/// <summary>What the bounds of one quantised query need.</summary>
/// <param name="Scale">s_q.</param>
/// <param name="Residual">‖q − q̂‖₂ (rounded up).</param>
/// <param name="CodeNorm">‖q̂‖₂ (rounded up).</param>
/// <param name="Slack">Float-rounding slack per unit of a key's scale.</param>
/// <param name="NormSquared">‖q‖² in float (distance bounds only; 0 otherwise).</param>
/// <param name="Bounded">Whether the query's bounds stay finite (false: it takes the fused path).</param>
internal readonly record struct QueryCode(float Scale, float Residual, float CodeNorm, float Slack, float NormSquared, bool Bounded);
