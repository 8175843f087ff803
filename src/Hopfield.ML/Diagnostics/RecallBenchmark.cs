using System.Diagnostics;
using Hopfield.ML.Memories;

namespace Hopfield.ML.Diagnostics;

/// <summary>Settings of a <see cref="RecallBenchmark"/> run.</summary>
public sealed record RecallBenchmarkOptions
{
    /// <summary>Neurons N (≥ 1). Default 1,048,576 (a 1024 × 1024 binary image).</summary>
    public int Neurons { get; init; } = 1 << 20;

    /// <summary>Stored random ±1 patterns P (≥ 1). Default 10.</summary>
    public int Patterns { get; init; } = 10;

    /// <summary>Fraction of the probe's neurons flipped from stored pattern 0 (0 ≤ noise ≤ 1). Default 0.1.</summary>
    public double Noise { get; init; } = 0.1;

    /// <summary>Untimed sweeps before the timed ones (≥ 0; when &gt; 0, warm-up also lasts at least 0.3 s). Default 1.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>Timed sweeps (≥ 1); the median is reported. Default 5.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Seed of the patterns and the noise.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>What a <see cref="RecallBenchmark"/> run measured.</summary>
/// <param name="Options">The settings that were run.</param>
/// <param name="Seconds">Wall-clock seconds of every timed sweep.</param>
/// <param name="SecondsPerSweep">
/// Median seconds of one synchronous sweep (all N neurons updated from the same state: pack the state, P overlaps,
/// the fields Xᵀm, the sign update), the state and next-state buffers given.
/// </param>
/// <param name="CpuSecondsPerSweep">Process CPU seconds per sweep, averaged over the timed sweeps.</param>
/// <param name="RecallSeconds">
/// Median seconds of a whole <see cref="ClassicalHopfieldNetwork.Recall"/> call limited to one sweep: adds probe
/// validation, copies and the result object to the sweep.
/// </param>
/// <param name="PatternBytes">Bytes the network keeps for its stored patterns (bit-packed for the Hebbian rule).</param>
/// <param name="Overlap">Overlap (1/N)·Σ ξ⁰ᵢ sᵢ of the state after one sweep with the pattern the probe came from.</param>
public sealed record RecallBenchmarkResult(RecallBenchmarkOptions Options, IReadOnlyList<double> Seconds, double SecondsPerSweep, double CpuSecondsPerSweep, double RecallSeconds, long PatternBytes, double Overlap);

/// <summary>Times one synchronous sweep of a Hebbian <see cref="ClassicalHopfieldNetwork"/> (fields Xᵀ(X s), bit-packed patterns).</summary>
public static class RecallBenchmark
{
    /// <summary>Stores random patterns, corrupts pattern 0, and times single synchronous sweeps from the probe.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="progress">Receives the fraction of timed sweeps done; may be null.</param>
    /// <returns>The timings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range or the noise is not in [0, 1].</exception>
    public static RecallBenchmarkResult Run(RecallBenchmarkOptions options, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        RetrievalBenchmark.Check(options.Neurons, 1, "Neurons", "The number of neurons");
        RetrievalBenchmark.Check(options.Patterns, 1, "Patterns", "The number of patterns");
        RetrievalBenchmark.Check(options.Warmup, 0, "Warmup", "The warm-up count");
        RetrievalBenchmark.Check(options.Repeats, 1, "Repeats", "The repeat count");
        if (!(options.Noise >= 0 && options.Noise <= 1))
        {
            throw new ArgumentOutOfRangeException("Noise", options.Noise, "The noise fraction must be between 0 and 1.");
        }

        var random = new Random(options.Seed);
        var network = new ClassicalHopfieldNetwork(options.Neurons);
        sbyte[] first = [];
        for (int p = 0; p < options.Patterns; p++)
        {
            var pattern = new sbyte[options.Neurons];
            for (int i = 0; i < pattern.Length; i++)
            {
                pattern[i] = random.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            }

            network.Store(pattern);
            if (p == 0)
            {
                first = pattern;
            }
        }

        var probe = (sbyte[])first.Clone();
        for (int i = 0; i < probe.Length; i++)
        {
            if (random.NextDouble() < options.Noise)
            {
                probe[i] = (sbyte)-probe[i];
            }
        }

        var sweep = new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, MaxSweeps = 1, RecordEnergy = false };
        IBinaryDynamics dynamics = network.CreateDynamics();
        var next = new sbyte[options.Neurons];
        // Warm up for the requested count and at least 0.3 s, so the run time's tiered JIT has replaced the first,
        // unoptimised code of the sweep before anything is timed (a 16,384-neuron sweep takes microseconds).
        long warm = Stopwatch.GetTimestamp();
        for (int i = 0; i < options.Warmup || (options.Warmup > 0 && Stopwatch.GetElapsedTime(warm).TotalSeconds < 0.3); i++)
        {
            dynamics.SynchronousStep(probe, next);
            network.Recall(probe, sweep);
        }

        var seconds = new double[options.Repeats];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpuStart = process.TotalProcessorTime;
        for (int i = 0; i < options.Repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            dynamics.SynchronousStep(probe, next);
            seconds[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            progress?.Report((i + 0.5) / options.Repeats);
        }

        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds / options.Repeats;
        var recallSeconds = new double[options.Repeats];
        BinaryRecallResult last = network.Recall(probe, sweep);
        for (int i = 0; i < options.Repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            last = network.Recall(probe, sweep);
            recallSeconds[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            progress?.Report((i + 1.0) / options.Repeats);
        }

        if (!last.State.AsSpan().SequenceEqual(next))
        {
            throw new InvalidOperationException("The timed sweep and Recall disagree; this is a bug.");
        }

        long agree = 0;
        for (int i = 0; i < first.Length; i++)
        {
            agree += first[i] * last.State[i];
        }

        return new RecallBenchmarkResult(options, seconds, RetrievalBenchmark.Median(seconds), cpu, RetrievalBenchmark.Median(recallSeconds), network.MemoryBytes, (double)agree / options.Neurons);
    }
}
