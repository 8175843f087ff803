using BenchmarkDotNet.Attributes;
using Hopfield.ML.Numerics;

namespace Hopfield.Benchmarks;

/// <summary>
/// The packed score micro-kernel (A·Bᵀ) and the value projection (C += A·B, row-major or sliced values) on one query
/// block of <see cref="M"/> rows against one key tile of 128; K = 512 is where row-major value slices conflict in L1.
/// </summary>
[MemoryDiagnoser]
public unsafe class GemmBenchmarks
{
    private float[] _a = [], _packed = [], _c = [], _w = [], _v = [], _sliced = [], _acc = [];

    [Params(512, 784)]
    public int K { get; set; }

    [Params(126, 504)]
    public int M { get; set; }

    public int N => 128;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _a = Data.Uniform(random, M * K);
        _packed = Gemm.Pack(Data.Uniform(random, N * K), N, K);
        _c = new float[M * N];
        _w = Data.Uniform(random, M * N);
        _v = Data.Uniform(random, N * K);
        _sliced = new float[N * K];
        Gemm.SliceTiles(_v, N, K, N, _sliced);
        _acc = new float[M * K];
    }

    [Benchmark]
    public void Scores()
    {
        fixed (float* a = _a, p = _packed, c = _c)
        {
            Gemm.ScoresPacked(SimdCapabilities.Best, a, K, M, p, Gemm.PanelCount(N), K, c, N);
        }
    }

    [Benchmark]
    public void Projection()
    {
        fixed (float* w = _w, v = _v, acc = _acc)
        {
            Gemm.MultiplyAdd(SimdCapabilities.Best, w, N, M, N, v, K, K, acc, K);
        }
    }

    [Benchmark]
    public void ProjectionSliced()
    {
        fixed (float* w = _w, v = _sliced, acc = _acc)
        {
            Gemm.MultiplyAddSliced(SimdCapabilities.Best, w, N, M, N, v, K, acc, K);
        }
    }

    [Benchmark]
    public void SquaredEuclidean()
    {
        fixed (float* a = _a, p = _packed, c = _c)
        {
            PackedDistance.SquaredEuclidean(SimdCapabilities.Best, a, K, M, p, Gemm.PanelCount(N), K, c, N);
        }
    }

    [Benchmark]
    public void Manhattan()
    {
        fixed (float* a = _a, p = _packed, c = _c)
        {
            PackedDistance.Manhattan(SimdCapabilities.Best, a, K, M, p, Gemm.PanelCount(N), K, c, N);
        }
    }
}

internal static class Data
{
    public static float[] Uniform(Random random, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return x;
    }

    public static float[] Gaussian(Random random, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i += 2)
        {
            double r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), t = 2 * Math.PI * random.NextDouble();
            x[i] = (float)(r * Math.Cos(t));
            if (i + 1 < n)
            {
                x[i + 1] = (float)(r * Math.Sin(t));
            }
        }

        return x;
    }
}
