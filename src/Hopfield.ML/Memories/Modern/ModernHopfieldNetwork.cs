using Hopfield.ML.Memories.Common;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Memories.Modern;

/// <summary>
/// Modern (continuous) Hopfield network, Ramsauer et al. 2020 ("Hopfield Networks is All You Need"):
/// the update ξ ← Xᵀ softmax(β X ξ) over the stored patterns X (count × dimension), with energy
/// E(ξ) = −lse(β, Xξ) + ½ξᵀξ + β⁻¹ log N + ½M², where lse(β, z) = β⁻¹ log Σ exp(β zᵢ) and M is the largest
/// pattern norm. It is the (dot, softmax) case of <see cref="UniversalHopfieldMemory"/> and runs on the same engine.
/// <para>Immutable and thread-safe after construction.</para>
/// </summary>
public sealed unsafe class ModernHopfieldNetwork
{
    private readonly UniversalHopfieldMemory _memory;
    private readonly RetrievalEngine _engine;

    /// <summary>Stores row-major patterns (count × dimension).</summary>
    /// <param name="patterns">Row-major patterns.</param>
    /// <param name="count">Number of patterns (≥ 1).</param>
    /// <param name="options">Settings; null for the defaults (β = 1, one step).</param>
    public ModernHopfieldNetwork(ReadOnlySpan<float> patterns, int count, ModernHopfieldOptions? options = null)
        : this(patterns, count, options, SimdCapabilities.Best)
    {
    }

    internal ModernHopfieldNetwork(ReadOnlySpan<float> patterns, int count, ModernHopfieldOptions? options, SimdLevel level)
    {
        options ??= new ModernHopfieldOptions();
        MemoryValidation.CheckBeta(options.Beta, nameof(options));
        if (options.MaxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSteps, "MaxSteps must be at least 1.");
        }

        if (!float.IsFinite(options.Tolerance) || options.Tolerance < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "Tolerance must be finite and not negative.");
        }

        Options = options;
        _memory = new UniversalHopfieldMemory(
            patterns,
            count,
            default,
            new UniversalHopfieldOptions
            {
                Similarity = SimilarityFunction.Dot,
                Separation = SeparationFunction.Softmax,
                Beta = options.Beta,
                Threads = options.Threads,
            },
            level);
        _engine = _memory.Engine;

        double maxNormSq = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> x = patterns.Slice(i * _memory.KeyDimension, _memory.KeyDimension);
            double s = 0;
            foreach (float v in x)
            {
                s += (double)v * v;
            }

            maxNormSq = Math.Max(maxNormSq, s);
        }

        MaxPatternNorm = Math.Sqrt(maxNormSq);
    }

    /// <summary>Number of stored patterns N.</summary>
    public int Count => _memory.Count;

    /// <summary>Pattern (and state) dimension.</summary>
    public int Dimension => _memory.KeyDimension;

    /// <summary>Inverse temperature β.</summary>
    public float Beta => Options.Beta;

    /// <summary>M, the largest Euclidean norm of a stored pattern.</summary>
    public double MaxPatternNorm { get; }

    /// <summary>The settings.</summary>
    public ModernHopfieldOptions Options { get; }

    /// <summary>The same network viewed as a universal memory (dot similarity, softmax separation).</summary>
    public UniversalHopfieldMemory Memory => _memory;

    /// <summary>Stores pattern rows (jagged, all the same length).</summary>
    /// <param name="patterns">The patterns.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <returns>The network.</returns>
    public static ModernHopfieldNetwork FromRows(float[][] patterns, ModernHopfieldOptions? options = null)
    {
        float[] flat = MemoryValidation.Flatten(patterns, nameof(patterns), "pattern", out _);
        return new ModernHopfieldNetwork(flat, patterns.Length, options);
    }

    /// <summary>Retrieves with the configured step limit and tolerance.</summary>
    /// <param name="query">The initial state ξ₀ (dimension values).</param>
    /// <returns>State, attention, steps, convergence and the energy trace.</returns>
    public ModernHopfieldResult Retrieve(ReadOnlySpan<float> query) => Retrieve(query, Options.MaxSteps, Options.Tolerance);

    /// <summary>Iterates ξ ← Xᵀ softmax(β X ξ) until ‖Δξ‖₂ ≤ <paramref name="tolerance"/> or <paramref name="maxSteps"/> updates.</summary>
    /// <param name="query">The initial state ξ₀.</param>
    /// <param name="maxSteps">Maximum number of updates (≥ 1).</param>
    /// <param name="tolerance">Convergence tolerance (finite, ≥ 0).</param>
    /// <returns>State, attention, steps, convergence and the energy trace.</returns>
    public ModernHopfieldResult Retrieve(ReadOnlySpan<float> query, int maxSteps, float tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        if (!float.IsFinite(tolerance) || tolerance < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Tolerance must be finite and not negative.");
        }

        _memory.CheckQueries(query, 1);
        int d = Dimension;
        var state = query.ToArray();
        var next = new float[d];
        var attention = new float[Count];
        var energy = new List<double>(maxSteps + 1);
        int steps = 0;
        bool converged = false;
        while (steps < maxSteps)
        {
            fixed (float* q = state, o = next, a = attention)
            {
                _engine.Run(RetrievalEngine.Mode.Naive, q, 1, o, a, null, null, 1);
            }

            energy.Add(Energy(state));
            steps++;
            double delta = 0;
            for (int i = 0; i < d; i++)
            {
                double diff = (double)next[i] - state[i];
                delta += diff * diff;
            }

            (state, next) = (next, state);
            if (Math.Sqrt(delta) <= tolerance)
            {
                converged = true;
                break;
            }
        }

        energy.Add(Energy(state));
        return new ModernHopfieldResult(state, attention, steps, converged, [.. energy]);
    }

    /// <summary>One update for each of many states (row-major, count × dimension), fused and in parallel.</summary>
    /// <param name="queries">Row-major states.</param>
    /// <param name="count">Number of states.</param>
    /// <param name="outputs">Receives the updated states.</param>
    public void RetrieveBatch(ReadOnlySpan<float> queries, int count, Span<float> outputs) => _memory.RetrieveBatch(queries, count, outputs);

    /// <summary>
    /// <paramref name="steps"/> updates for each of many states (fixed number of steps, no early stop), fused and in parallel.
    /// </summary>
    /// <param name="queries">Row-major states.</param>
    /// <param name="count">Number of states.</param>
    /// <param name="outputs">Receives the final states.</param>
    /// <param name="steps">Number of updates (≥ 1).</param>
    public void RetrieveBatch(ReadOnlySpan<float> queries, int count, Span<float> outputs, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        _memory.RetrieveBatch(queries, count, outputs);
        if (steps == 1)
        {
            return;
        }

        var tmp = outputs.ToArray();
        for (int s = 1; s < steps; s++)
        {
            _memory.RetrieveBatch(tmp, count, outputs);
            outputs.CopyTo(tmp);
        }
    }

    /// <summary>E(ξ) = −lse(β, Xξ) + ½ξᵀξ + β⁻¹ log N + ½M².</summary>
    /// <param name="state">The state ξ.</param>
    /// <returns>The energy.</returns>
    public double Energy(ReadOnlySpan<float> state)
    {
        _memory.CheckQueries(state, 1);
        var scores = new float[Count];
        _memory.Similarities(state, scores);
        double max = double.NegativeInfinity;
        foreach (float s in scores)
        {
            max = Math.Max(max, Beta * (double)s);
        }

        double sum = 0;
        foreach (float s in scores)
        {
            sum += Math.Exp((Beta * (double)s) - max);
        }

        return EnergyFromLse((max + Math.Log(sum)) / Beta, state);
    }

    private double EnergyFromLse(double lse, ReadOnlySpan<float> state)
    {
        double half = 0;
        foreach (float v in state)
        {
            half += (double)v * v;
        }

        return -lse + (0.5 * half) + (Math.Log(Count) / Beta) + (0.5 * MaxPatternNorm * MaxPatternNorm);
    }
}
