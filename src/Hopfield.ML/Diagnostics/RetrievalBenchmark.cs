using System.Diagnostics;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Diagnostics;

/// <summary>Settings of a <see cref="RetrievalBenchmark"/> run: problem size, memory settings and how to time it.</summary>
public sealed record RetrievalBenchmarkOptions
{
    /// <summary>Stored patterns P (≥ 1). Default 1000.</summary>
    public int Patterns { get; init; } = 1000;

    /// <summary>Key and value dimension D (≥ 1). Default 784.</summary>
    public int Dimension { get; init; } = 784;

    /// <summary>Queries per batch B (≥ 1). Default 1000.</summary>
    public int Queries { get; init; } = 1000;

    /// <summary>Memory settings (similarity, separation, β, threads, storage, sparse tolerance); null for the defaults.</summary>
    public UniversalHopfieldOptions? Memory { get; init; }

    /// <summary>Untimed runs before the timed ones (≥ 0). Default 1.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>Timed runs (≥ 1); the median is reported. Default 5.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Seed of the standard-normal keys and queries.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// After timing, also retrieve the first <see cref="RetrievalBenchmark.VerifiedQueries"/> queries with a dense
    /// memory (no sparse tolerance, no screening) and report the largest difference
    /// (<see cref="RetrievalBenchmarkResult.MaxAbsDifference"/>). Default false.
    /// </summary>
    public bool Verify { get; init; }
}

/// <summary>What a <see cref="RetrievalBenchmark"/> run measured.</summary>
/// <param name="Options">The settings that were run (with the memory options resolved).</param>
/// <param name="Seconds">Wall-clock seconds of every timed batch, in run order.</param>
/// <param name="MedianSeconds">Median wall-clock seconds of one batch of B queries.</param>
/// <param name="CpuSeconds">Process CPU seconds (all threads) per batch, averaged over the timed runs.</param>
/// <param name="FlopsPerBatch">Nominal floating-point operations per batch (see <see cref="RetrievalBenchmark.NominalFlops"/>).</param>
public sealed record RetrievalBenchmarkResult(RetrievalBenchmarkOptions Options, IReadOnlyList<double> Seconds, double MedianSeconds, double CpuSeconds, double FlopsPerBatch)
{
    /// <summary>Queries per wall-clock second: B / median seconds.</summary>
    public double QueriesPerSecond => Options.Queries / MedianSeconds;

    /// <summary>Nominal GFLOP/s at the median: <see cref="FlopsPerBatch"/> / median seconds / 10⁹.</summary>
    public double Gflops => FlopsPerBatch / MedianSeconds / 1e9;

    /// <summary>
    /// Queries per second of process CPU time (all threads added up). On a machine shared with other work the wall
    /// clock measures the share the process got; this measures the throughput per busy core.
    /// </summary>
    public double QueriesPerCpuSecond => CpuSeconds > 0 ? Options.Queries / CpuSeconds : double.NaN;

    /// <summary>With <see cref="RetrievalBenchmarkOptions.Verify"/>: largest |screened or sparse − dense| over the verified outputs; otherwise null.</summary>
    public double? MaxAbsDifference { get; init; }

    /// <summary>With screening: fraction of queries that had too many candidates and took the fused path; otherwise null.</summary>
    public double? ScreenFallbackFraction { get; init; }

    /// <summary>With screening: exact scores computed per screened query (the dense path computes P); otherwise null.</summary>
    public double? ExactScoresPerQuery { get; init; }
}

/// <summary>
/// Times batched retrieval of a <see cref="UniversalHopfieldMemory"/> on standard-normal random data:
/// B queries against P stored patterns of dimension D (auto-association, values = keys), one step.
/// </summary>
/// <remarks>
/// FLOP convention (nominal, the same for every similarity so rates compare): 2·P·D·B for the scores (one
/// multiply or subtract and one add per key element, the absolute value of L1 and the square root of L2 not counted)
/// plus 2·P·D·B for the value projection: 4·P·D·B per batch. Max and top-k separations do not project every value
/// row and sparse projection skips rows, so their GFLOP/s is "dense-equivalent": it can exceed the hardware rate.
/// </remarks>
public static class RetrievalBenchmark
{
    /// <summary>Nominal FLOPs of one batch: 4·P·D·B.</summary>
    /// <param name="patterns">P.</param>
    /// <param name="dimension">D.</param>
    /// <param name="queries">B.</param>
    /// <returns>The FLOP count.</returns>
    public static double NominalFlops(int patterns, int dimension, int queries) => 4.0 * patterns * dimension * queries;

    /// <summary>Queries checked against the dense memory with <see cref="RetrievalBenchmarkOptions.Verify"/>.</summary>
    public const int VerifiedQueries = 100;

    /// <summary>Builds the memory and queries, warms up, and times <see cref="RetrievalBenchmarkOptions.Repeats"/> batches.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="progress">Receives the fraction of timed runs done; may be null.</param>
    /// <returns>The timings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size, the warm-up or the repeat count is out of range.</exception>
    public static RetrievalBenchmarkResult Run(RetrievalBenchmarkOptions options, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options.Patterns, 1, "Patterns", "The number of stored patterns");
        Check(options.Dimension, 1, "Dimension", "The dimension");
        Check(options.Queries, 1, "Queries", "The number of queries");
        Check(options.Warmup, 0, "Warmup", "The warm-up count");
        Check(options.Repeats, 1, "Repeats", "The repeat count");
        long keyElements = (long)options.Patterns * options.Dimension;
        long queryElements = (long)options.Queries * options.Dimension;
        if (keyElements > Array.MaxLength || queryElements > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"P × D = {keyElements} or B × D = {queryElements} exceeds the largest array ({Array.MaxLength} elements).");
        }

        var memoryOptions = options.Memory ?? new UniversalHopfieldOptions();
        var random = new Random(options.Seed);
        float[] keys = Gaussian(random, (int)keyElements);
        float[] queries = Gaussian(random, (int)queryElements);
        var memory = new UniversalHopfieldMemory(keys, options.Patterns, default, memoryOptions);
        keys = [];
        var outputs = new float[queryElements];
        for (int i = 0; i < options.Warmup; i++)
        {
            memory.RetrieveBatch(queries, options.Queries, outputs);
        }

        var seconds = new double[options.Repeats];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpuStart = process.TotalProcessorTime;
        for (int i = 0; i < options.Repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            memory.RetrieveBatch(queries, options.Queries, outputs);
            seconds[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            progress?.Report((i + 1.0) / options.Repeats);
        }

        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds / options.Repeats;
        var (screened, fallbacks, exact) = memory.Engine.ScreenStatistics;
        double? difference = options.Verify ? VerifyAgainstDense(memory, queries, outputs, options) : null;
        return new RetrievalBenchmarkResult(
            options with { Memory = memoryOptions },
            seconds,
            Median(seconds),
            cpu,
            NominalFlops(options.Patterns, options.Dimension, options.Queries))
        {
            MaxAbsDifference = difference,
            ScreenFallbackFraction = memory.Engine.Screening ? fallbacks / (double)screened : null,
            ExactScoresPerQuery = memory.Engine.Screening && screened > fallbacks ? exact / (double)(screened - fallbacks) : null,
        };
    }

    /// <summary>Largest difference between the timed memory's outputs and a dense memory's for the first queries.</summary>
    private static double VerifyAgainstDense(UniversalHopfieldMemory memory, float[] queries, float[] outputs, RetrievalBenchmarkOptions options)
    {
        // The same keys again (same seed), in a memory with the exact projection and no screening.
        var random = new Random(options.Seed);
        float[] keys = Gaussian(random, options.Patterns * options.Dimension);
        var dense = new UniversalHopfieldMemory(keys, options.Patterns, default, memory.Options with { SparseTolerance = 0, Screening = false });
        int n = Math.Min(options.Queries, VerifiedQueries), d = options.Dimension;
        var expected = new float[n * d];
        dense.RetrieveBatch(queries.AsSpan(0, n * d), n, expected);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - outputs[i]));
        }

        return max;
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    internal static void Check(int value, int min, string name, string what)
    {
        if (value < min)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{what} ({name}) must be at least {min}; got {value}.");
        }
    }

    /// <summary>Standard-normal values (Box–Muller), reproducible from the generator's seed.</summary>
    internal static float[] Gaussian(Random random, int length)
    {
        var data = GC.AllocateUninitializedArray<float>(length);
        for (int i = 0; i < length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < length)
            {
                data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
            }
        }

        return data;
    }
}
