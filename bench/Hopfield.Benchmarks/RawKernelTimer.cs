using System.Diagnostics;
using System.Globalization;
using Hopfield.ML.Numerics;

namespace Hopfield.Benchmarks;

/// <summary>Single-thread kernel timings by process CPU time (best of 7): meaningful even when other processes share the cores.</summary>
internal static unsafe class RawKernelTimer
{
    public static void Run(string[] args)
    {
        int m = Arg(args, 0, 126), n = Arg(args, 1, 1024), k = Arg(args, 2, 784);
        var level = SimdCapabilities.Best;
        var random = new Random(1);
        float[] a = Fill(random, m * k), b = Fill(random, n * k), c = new float[m * n];
        float[] packed = Gemm.Pack(b, n, k);
        int panels = Gemm.PanelCount(n);
        float[] w = Fill(random, m * n), v = Fill(random, n * k), acc = new float[m * k], sliced = new float[n * k];
        Gemm.SliceTiles(v, n, k, n, sliced);
        fixed (float* pa = a, pp = packed, pc = c, pw = w, pv = v, pacc = acc, ps = sliced)
        {
            float* qa = pa, qp = pp, qc = pc, qw = pw, qv = pv, qacc = pacc, qs = ps;
            Time($"scores   {m}x{n}x{k}", 2.0 * m * n * k, () => Gemm.ScoresPacked(level, qa, k, m, qp, panels, k, qc, n));
            Time($"project  {m}x{k}x{n}", 2.0 * m * n * k, () => Gemm.MultiplyAdd(level, qw, n, m, n, qv, k, k, qacc, k));
            Time($"sliced   {m}x{k}x{n}", 2.0 * m * n * k, () => Gemm.MultiplyAddSliced(level, qw, n, m, n, qs, k, qacc, k));
            Time($"l2       {m}x{n}x{k}", 2.0 * m * n * k, () => PackedDistance.SquaredEuclidean(level, qa, k, m, qp, panels, k, qc, n));
            Time($"l1       {m}x{n}x{k}", 2.0 * m * n * k, () => PackedDistance.Manhattan(level, qa, k, m, qp, panels, k, qc, n));
        }

        // 8-bit screen products: m query rows against n keys, in chunks of 40 rows and 32-key tiles as the screen runs them.
        int groups = Int8Gemm.GroupCount(k), pd = Int8Gemm.PaddedDimension(k);
        var u = new byte[m * pd];
        random.NextBytes(u);
        var codes = new sbyte[n * k];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = (sbyte)random.Next(-127, 128);
        }

        var tiles = new sbyte[Int8Gemm.PackedLength(n, k)];
        Int8Gemm.PackKeys(codes, n, k, tiles);
        var dots = new int[40 * 128];
        fixed (byte* pu = u)
        fixed (sbyte* pt = tiles)
        fixed (int* pd2 = dots)
        {
            byte* qu = pu;
            sbyte* qt = pt;
            int* qd = pd2;
            Time($"int8     {m}x{n}x{k}", 2.0 * m * n * k, () =>
            {
                for (int keyStart = 0; keyStart + 128 <= n; keyStart += 128)
                {
                    for (int r0 = 0; r0 < m; r0 += 40)
                    {
                        int rc = Math.Min(40, m - r0);
                        for (int sub = 0; sub < 128; sub += 32)
                        {
                            Int8Gemm.Scores(true, qu + ((nint)r0 * pd), pd, rc, qt + ((nint)(keyStart + sub) * pd), groups, qd + sub, 128);
                        }
                    }
                }
            });
        }
    }

    private static void Time(string name, double flops, Action body)
    {
        body();
        double best = double.MaxValue;
        for (int r = 0; r < 7; r++)
        {
            TimeSpan cpu0 = ProcessCpu();
            int reps = 0;
            long t0 = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(t0).TotalSeconds < 0.2)
            {
                body();
                reps++;
            }

            double cpu = (ProcessCpu() - cpu0).TotalSeconds / reps;
            best = Math.Min(best, cpu);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {best * 1e3:0.000} ms CPU  {flops / best / 1e9:0.0} GFLOP/s per core"));
    }

    private static TimeSpan ProcessCpu()
    {
        // The process CPU time is the sum over threads; only this thread runs kernels here.
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    private static int Arg(string[] args, int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

    private static float[] Fill(Random random, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return x;
    }
}

internal static class RawSoftmaxTimer
{
    public static void Run()
    {
        var row = new float[128];
        var random = new Random(2);
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = (float)random.NextDouble();
        }

        var span = row.AsSpan();
        for (int round = 0; round < 3; round++)
        {
            foreach (string op in new[] { "max", "sub", "exp", "sum" })
            {
                long t0 = Stopwatch.GetTimestamp();
                float sink = 0;
                for (int i = 0; i < 200_000; i++)
                {
                    switch (op)
                    {
                        case "max":
                            sink += System.Numerics.Tensors.TensorPrimitives.Max(span);
                            break;
                        case "sub":
                            System.Numerics.Tensors.TensorPrimitives.Multiply(span, 1f, span);
                            break;
                        case "exp":
                            span.Fill(-0.5f);
                            System.Numerics.Tensors.TensorPrimitives.Exp(span, span);
                            break;
                        default:
                            sink += System.Numerics.Tensors.TensorPrimitives.Sum(span);
                            break;
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{op}: {Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1e6 / 200_000:0} ns per 128 ({sink})"));
            }
        }
    }
}

/// <summary>
/// The fused loop without the softmax: scores, then the sliced projection, tile by tile, over one tile again and again
/// ("hot") or over a whole memory streamed from DRAM. Separates what the memory system costs from what the kernels cost.
/// </summary>
internal static unsafe class RawFusedTimer
{
    public static void Run(int patterns, int d, int m, bool hot)
    {
        var level = SimdCapabilities.Best;
        var random = new Random(1);
        const int kt = 128;
        float[] q = new float[m * d], keys = new float[patterns * d], acc = new float[m * d], sc = new float[m * kt];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = (float)(random.NextDouble() - 0.5);
        }

        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = (float)(random.NextDouble() - 0.5);
        }

        float[] packed = Gemm.Pack(keys, patterns, d), sliced = new float[keys.Length];
        Gemm.SliceTiles(keys, patterns, d, kt, sliced);
        fixed (float* pq = q, pk = packed, pv = sliced, pacc = acc, psc = sc)
        {
            for (int round = 0; round < 3; round++)
            {
                var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                for (int t0 = 0; t0 + kt <= patterns; t0 += kt)
                {
                    int at = hot ? 0 : t0;
                    Gemm.ScoresPacked(level, pq, d, m, pk + ((nint)at * d), kt / 16, d, psc, kt);
                    new Span<float>(psc, m * kt).Fill(1e-3f);
                    Gemm.MultiplyAddSliced(level, psc, kt, m, kt, pv + ((nint)at * d), d, pacc, d);
                }

                double s = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                Console.WriteLine($"fused {(hot ? "hot" : "streamed")} P={patterns} D={d} m={m}: {4.0 * m * d * (patterns / kt * kt) / s / 1e9:0.0} GFLOP/s per core");
            }
        }
    }
}

/// <summary>
/// The exact-score chains of the screened path (<see cref="ExactChains"/>): n scattered keys of a P × D row-major
/// memory per call, a new random set each call (or the same set again and again, "hot").
/// </summary>
internal static unsafe class RawChainsTimer
{
    public static void Run(int patterns, int d, int n, bool hot)
    {
        var random = new Random(1);
        float[] q = new float[d], keys = new float[patterns * d], scores = new float[n];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = (float)(random.NextDouble() - 0.5);
        }

        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = (float)(random.NextDouble() - 0.5);
        }

        const int sets = 4096;
        int[] ix = new int[sets * n];
        for (int i = 0; i < ix.Length; i++)
        {
            ix[i] = random.Next(patterns);
        }

        foreach (SimdLevel level in new[] { SimdCapabilities.Best, SimdLevel.Scalar })
        {
            fixed (float* pq = q, pk = keys, ps = scores)
            fixed (int* pix = ix)
            {
                for (int round = 0; round < 3; round++)
                {
                    int calls = level == SimdLevel.Scalar ? 5_000 : 50_000;
                    long t0 = Stopwatch.GetTimestamp();
                    for (int c = 0; c < calls; c++)
                    {
                        ExactChains.Dots(level, pq, pk, d, pix + (hot ? 0 : (c % sets) * n), n, ps);
                    }

                    double ns = Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1e6 / calls;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chains {level} {(hot ? "hot" : "scattered")} P={patterns} D={d} n={n}: {ns:0} ns per call, {ns / n:0.0} ns per key"));
                }
            }
        }
    }
}
