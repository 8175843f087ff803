using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Scores of one query against scattered key rows, each computed as one sequential chain s ← step(q_d, k_d, s) for
/// d = 0 … D − 1 from s = +0 (<see cref="IChainStep"/>: a fused multiply-add for dot products, fma(k − q, k − q, s)
/// for squared distances): the chain every output lane of the packed kernels (<see cref="Gemm.ScoresPacked"/>,
/// <see cref="PackedDistance"/>) computes, so a score from here equals the dense path's bit for bit.
/// <para>
/// A chain is latency-bound (D dependent steps), so the work is to keep many chains in flight. The 512-bit path puts
/// sixteen keys in the lanes of one vector — each 16 × 16 block of key rows is transposed in registers (64 shuffles)
/// and fed to sixteen steps with the query element broadcast — and runs two such groups with their steps interleaved
/// (<see cref="Pair512{TStep}"/>; a last odd group alone, <see cref="Group512{TStep}"/>). The scalar path
/// runs eight chains side by side. <see cref="Reference{TStep}"/> is one plain loop per key.
/// </para>
/// </summary>
internal static unsafe class ExactChains
{
    /// <summary>Lanes of a 512-bit vector: one key each (keys per chain group).</summary>
    private const int Lanes = 16;

    /// <summary>
    /// scores[c] = query · keys[ix[c]] (rows of <paramref name="dim"/> floats, row-major) for c &lt; <paramref name="n"/>,
    /// each as one sequential FMA chain. Every level gives the same floats.
    /// </summary>
    public static void Dots(SimdLevel level, float* query, float* keys, int dim, int* ix, int n, float* scores) =>
        Run<Product>(level, query, keys, dim, ix, n, scores);

    /// <summary>
    /// scores[c] = ‖keys[ix[c]] − query‖² for c &lt; <paramref name="n"/>, each as one sequential chain
    /// fma(k − q, k − q, s) (the chain of <see cref="PackedDistance.SquaredEuclidean"/>). Every level gives the same floats.
    /// </summary>
    public static void SquaredDistances(SimdLevel level, float* query, float* keys, int dim, int* ix, int n, float* scores) =>
        Run<SquaredDifference>(level, query, keys, dim, ix, n, scores);

    /// <summary>The reference of <see cref="Dots"/> and <see cref="SquaredDistances"/>: one plain loop per key.</summary>
    public static void Reference<TStep>(float* query, float* keys, int dim, int* ix, int n, float* scores)
        where TStep : IChainStep
    {
        for (int c = 0; c < n; c++)
        {
            float* k = keys + ((nint)ix[c] * dim);
            float s = 0;
            for (int d = 0; d < dim; d++)
            {
                s = TStep.Step(query[d], k[d], s);
            }

            scores[c] = s;
        }
    }

    /// <summary>
    /// <see cref="Dots"/> for several queries at once, one <see cref="ChainList"/> each. At 512 bits the sixteen-key
    /// groups of all lists, in order, are run two at a time (a lone group is latency-bound; two share its time), so
    /// only the last group of all can run alone. Same floats as one call per query.
    /// </summary>
    public static void DotsOfMany(SimdLevel level, float* keys, int dim, ChainList* lists, int count) =>
        Run<Product>(level, keys, dim, lists, count);

    /// <summary><see cref="SquaredDistances"/> for several queries at once (see <see cref="DotsOfMany"/>).</summary>
    public static void SquaredDistancesOfMany(SimdLevel level, float* keys, int dim, ChainList* lists, int count) =>
        Run<SquaredDifference>(level, keys, dim, lists, count);

    private static void Run<TStep>(SimdLevel level, float* query, float* keys, int dim, int* ix, int n, float* scores)
        where TStep : IChainStep
    {
        var list = new ChainList(query, ix, n, scores);
        Run<TStep>(level, keys, dim, &list, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TStep>(SimdLevel level, float* keys, int dim, ChainList* lists, int count)
        where TStep : IChainStep
    {
        if (level == SimdLevel.Vector512 && Avx512F.IsSupported)
        {
            // The groups of every list in order, two per call; a group waits for the next one.
            ChainList pending = default;
            bool waiting = false;
            for (int l = 0; l < count; l++)
            {
                var list = lists[l];
                for (int c = 0; c < list.Count; c += Lanes)
                {
                    var group = new ChainList(list.Query, list.Indices + c, Math.Min(Lanes, list.Count - c), list.Scores + c);
                    if (waiting)
                    {
                        Pair512<TStep>(keys, dim, pending, group);
                    }
                    else
                    {
                        pending = group;
                    }

                    waiting = !waiting;
                }
            }

            if (waiting)
            {
                Group512<TStep>(keys, dim, pending.Query, pending.Indices, pending.Count, pending.Scores);
            }

            return;
        }

        for (int l = 0; l < count; l++)
        {
            Chains8<TStep>(lists[l].Query, keys, dim, lists[l].Indices, lists[l].Count, lists[l].Scores);
        }
    }

    /// <summary>Eight chains side by side at a time (a group short of eight repeats its last key).</summary>
    private static void Chains8<TStep>(float* query, float* keys, int dim, int* ix, int n, float* scores)
        where TStep : IChainStep
    {
        // A lone chain is latency-bound, so the repeated chains are free.
        int* k = stackalloc int[8];
        float* sc = stackalloc float[8];
        for (int c = 0; c < n; c += 8)
        {
            int m = Math.Min(8, n - c);
            for (int j = 0; j < 8; j++)
            {
                k[j] = ix[c + Math.Min(j, m - 1)];
            }

            Chain8<TStep>(query, keys, dim, k, sc);
            for (int j = 0; j < m; j++)
            {
                scores[c + j] = sc[j];
            }
        }
    }

    /// <summary>
    /// One group of up to sixteen keys (a short group repeats its last key), bound by the chain's latency (4 cycles an
    /// FMA; 1.0–1.1 µs at D = 784 on scattered rows): the transposition of <see cref="Pair512{TStep}"/>, one group.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Group512<TStep>(float* keys, int dim, float* q, int* ix, int n, float* scores)
        where TStep : IChainStep
    {
        float** rows = stackalloc float*[Lanes];
        RowsOf(keys, dim, ix, n, rows);
        var acc = Vector512<float>.Zero;
        nint d = 0;
        for (; d + Lanes <= dim; d += Lanes)
        {
            for (nint o = d; o < d + Lanes; o += 8)
            {
                LaneQuads(rows, 0, o, out var x00, out var x10);
                LaneQuads(rows, 1, o, out var x01, out var x11);
                LaneQuads(rows, 2, o, out var x02, out var x12);
                LaneQuads(rows, 3, o, out var x03, out var x13);
                Columns4(x00, x01, x02, x03, out var c0, out var c1, out var c2, out var c3);
                acc = TStep.Step(Vector512.Create(q[o]), c0, acc);
                acc = TStep.Step(Vector512.Create(q[o + 1]), c1, acc);
                acc = TStep.Step(Vector512.Create(q[o + 2]), c2, acc);
                acc = TStep.Step(Vector512.Create(q[o + 3]), c3, acc);
                Columns4(x10, x11, x12, x13, out c0, out c1, out c2, out c3);
                acc = TStep.Step(Vector512.Create(q[o + 4]), c0, acc);
                acc = TStep.Step(Vector512.Create(q[o + 5]), c1, acc);
                acc = TStep.Step(Vector512.Create(q[o + 6]), c2, acc);
                acc = TStep.Step(Vector512.Create(q[o + 7]), c3, acc);
            }
        }

        Store(Remainder<TStep>(rows, q, d, dim, acc), scores, n);
    }

    /// <summary>
    /// Two groups of up to sixteen keys (each with its own query; a short group repeats its last key), their steps
    /// interleaved in program order so that the two latency-bound chains overlap. Each 16 × 16 block is transposed
    /// 128-bit lanes first, in two halves of eight dimensions: for half h, rows r, 4 + r, 8 + r, 12 + r give
    /// X(2h + i, r) (lane L: row 4L + r's dimensions 4(2h + i) … +3), and an in-lane 4 × 4 transposition of
    /// X(m, 0 … 3) gives columns 4m … 4m + 3 in order — four columns at a time, so both groups fit in registers. The
    /// same 64 shuffles a block as a 16 × 16 transposition in registers, half of the lane moves 256-bit inserts from
    /// memory. With the two groups' blocks one after the other instead, the chains overlapped only partly: 32 keys took
    /// 1.5–1.8 µs in cache and 1.8–2.6 µs on scattered rows at D = 784, now 1.3–1.4 and 1.7.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Pair512<TStep>(float* keys, int dim, ChainList first, ChainList second)
        where TStep : IChainStep
    {
        float** a = stackalloc float*[Lanes];
        float** b = stackalloc float*[Lanes];
        RowsOf(keys, dim, first.Indices, first.Count, a);
        RowsOf(keys, dim, second.Indices, second.Count, b);

        float* qa = first.Query, qb = second.Query;
        var accA = Vector512<float>.Zero;
        var accB = Vector512<float>.Zero;
        nint d = 0;
        for (; d + Lanes <= dim; d += Lanes)
        {
            for (nint o = d; o < d + Lanes; o += 8)
            {
                LaneQuads(a, 0, o, out var a00, out var a10);
                LaneQuads(a, 1, o, out var a01, out var a11);
                LaneQuads(a, 2, o, out var a02, out var a12);
                LaneQuads(a, 3, o, out var a03, out var a13);
                LaneQuads(b, 0, o, out var b00, out var b10);
                LaneQuads(b, 1, o, out var b01, out var b11);
                LaneQuads(b, 2, o, out var b02, out var b12);
                LaneQuads(b, 3, o, out var b03, out var b13);
                Columns4(a00, a01, a02, a03, out var ca0, out var ca1, out var ca2, out var ca3);
                Columns4(b00, b01, b02, b03, out var cb0, out var cb1, out var cb2, out var cb3);
                accA = TStep.Step(Vector512.Create(qa[o]), ca0, accA);
                accB = TStep.Step(Vector512.Create(qb[o]), cb0, accB);
                accA = TStep.Step(Vector512.Create(qa[o + 1]), ca1, accA);
                accB = TStep.Step(Vector512.Create(qb[o + 1]), cb1, accB);
                accA = TStep.Step(Vector512.Create(qa[o + 2]), ca2, accA);
                accB = TStep.Step(Vector512.Create(qb[o + 2]), cb2, accB);
                accA = TStep.Step(Vector512.Create(qa[o + 3]), ca3, accA);
                accB = TStep.Step(Vector512.Create(qb[o + 3]), cb3, accB);
                Columns4(a10, a11, a12, a13, out ca0, out ca1, out ca2, out ca3);
                Columns4(b10, b11, b12, b13, out cb0, out cb1, out cb2, out cb3);
                accA = TStep.Step(Vector512.Create(qa[o + 4]), ca0, accA);
                accB = TStep.Step(Vector512.Create(qb[o + 4]), cb0, accB);
                accA = TStep.Step(Vector512.Create(qa[o + 5]), ca1, accA);
                accB = TStep.Step(Vector512.Create(qb[o + 5]), cb1, accB);
                accA = TStep.Step(Vector512.Create(qa[o + 6]), ca2, accA);
                accB = TStep.Step(Vector512.Create(qb[o + 6]), cb2, accB);
                accA = TStep.Step(Vector512.Create(qa[o + 7]), ca3, accA);
                accB = TStep.Step(Vector512.Create(qb[o + 7]), cb3, accB);
            }
        }

        Store(Remainder<TStep>(a, qa, d, dim, accA), first.Scores, first.Count);
        Store(Remainder<TStep>(b, qb, d, dim, accB), second.Scores, second.Count);
    }

    /// <summary>Row pointers of a group of up to sixteen keys; a short group repeats its last key.</summary>
    private static void RowsOf(float* keys, int dim, int* ix, int n, float** rows)
    {
        for (int j = 0; j < Lanes; j++)
        {
            rows[j] = keys + ((nint)ix[Math.Min(j, n - 1)] * dim);
        }
    }

    /// <summary>The steps of dimensions <paramref name="d"/> … <paramref name="dim"/> − 1 (fewer than sixteen), one column at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Remainder<TStep>(float** rows, float* q, nint d, int dim, Vector512<float> acc)
        where TStep : IChainStep
    {
        float* column = stackalloc float[Lanes];
        for (; d < dim; d++)
        {
            for (int j = 0; j < Lanes; j++)
            {
                column[j] = rows[j][d];
            }

            acc = TStep.Step(Vector512.Create(q[d]), Vector512.Load(column), acc);
        }

        return acc;
    }

    /// <summary>The first <paramref name="n"/> lanes of a group's chains.</summary>
    private static void Store(Vector512<float> acc, float* scores, int n)
    {
        float* result = stackalloc float[Lanes];
        acc.Store(result);
        for (int j = 0; j < n; j++)
        {
            scores[j] = result[j];
        }
    }

    /// <summary>
    /// Rows r, 4 + r, 8 + r, 12 + r of a group at dimensions [o, o + 8): <paramref name="first"/> holds, in lane L, row
    /// 4L + r's dimensions o … o + 3, <paramref name="second"/> its o + 4 … o + 7.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LaneQuads(float** rows, int r, nint o, out Vector512<float> first, out Vector512<float> second)
    {
        var low = Avx512F.InsertVector256(Vector256.Load(rows[r] + o).ToVector512Unsafe(), Vector256.Load(rows[4 + r] + o), 1);
        var high = Avx512F.InsertVector256(Vector256.Load(rows[8 + r] + o).ToVector512Unsafe(), Vector256.Load(rows[12 + r] + o), 1);
        first = Avx512F.Shuffle4x128(low, high, 0x88);
        second = Avx512F.Shuffle4x128(low, high, 0xDD);
    }

    /// <summary>
    /// The in-lane 4 × 4 transposition: with lane L of x_r holding row 4L + r's four dimensions, column c_t holds
    /// dimension t of rows 4L … 4L + 3 in lane L — lane j of c_t is row j's element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns4(Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3, out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3)
    {
        var t0 = Avx512F.UnpackLow(x0, x1);
        var t1 = Avx512F.UnpackHigh(x0, x1);
        var t2 = Avx512F.UnpackLow(x2, x3);
        var t3 = Avx512F.UnpackHigh(x2, x3);
        c0 = PdLow(t0, t2);
        c1 = PdHigh(t0, t2);
        c2 = PdLow(t1, t3);
        c3 = PdHigh(t1, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PdLow(Vector512<float> x, Vector512<float> y) => Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PdHigh(Vector512<float> x, Vector512<float> y) => Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Chain8<TStep>(float* query, float* keys, int dim, int* ix, float* scores)
        where TStep : IChainStep
    {
        float* k0 = keys + ((nint)ix[0] * dim), k1 = keys + ((nint)ix[1] * dim), k2 = keys + ((nint)ix[2] * dim), k3 = keys + ((nint)ix[3] * dim);
        float* k4 = keys + ((nint)ix[4] * dim), k5 = keys + ((nint)ix[5] * dim), k6 = keys + ((nint)ix[6] * dim), k7 = keys + ((nint)ix[7] * dim);
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (nint d = 0; d < dim; d++)
        {
            float x = query[d];
            s0 = TStep.Step(x, k0[d], s0);
            s1 = TStep.Step(x, k1[d], s1);
            s2 = TStep.Step(x, k2[d], s2);
            s3 = TStep.Step(x, k3[d], s3);
            s4 = TStep.Step(x, k4[d], s4);
            s5 = TStep.Step(x, k5[d], s5);
            s6 = TStep.Step(x, k6[d], s6);
            s7 = TStep.Step(x, k7[d], s7);
        }

        scores[0] = s0;
        scores[1] = s1;
        scores[2] = s2;
        scores[3] = s3;
        scores[4] = s4;
        scores[5] = s5;
        scores[6] = s6;
        scores[7] = s7;
    }
}

/// <summary>One query's keys for <see cref="ExactChains.DotsOfMany"/>: scores[c] ← chain(query, keys[indices[c]]), c &lt; count.</summary>
internal readonly unsafe struct ChainList
{
    /// <summary>Initializes a list.</summary>
    /// <param name="query">The query row.</param>
    /// <param name="indices">Key rows.</param>
    /// <param name="count">How many.</param>
    /// <param name="scores">Receives one score per key.</param>
    public ChainList(float* query, int* indices, int count, float* scores)
    {
        Query = query;
        Indices = indices;
        Count = count;
        Scores = scores;
    }

    /// <summary>The query row.</summary>
    public float* Query { get; }

    /// <summary>Key rows.</summary>
    public int* Indices { get; }

    /// <summary>How many.</summary>
    public int Count { get; }

    /// <summary>Receives one score per key.</summary>
    public float* Scores { get; }
}
