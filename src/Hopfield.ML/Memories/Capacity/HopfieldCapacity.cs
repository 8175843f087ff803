using System.Diagnostics;
using System.Globalization;

namespace Hopfield.ML.Memories;

/// <summary>
/// Measures the storage capacity of binary memories: the critical load α_c = P_c/N, the largest number of random ±1
/// patterns per neuron at which recall started from a stored pattern still ends with mean overlap ≥ a threshold
/// (0.97 by default), averaged over independent trials.
/// </summary>
/// <remarks>
/// Each trial draws fresh patterns and stores them incrementally. The pattern count is scanned upward in steps of
/// about 1/8 of the theoretical P_c until the criterion fails, then bisected between the last passing and the first
/// failing count, restoring a snapshot of the memory at the last passing count. At each tested count a random sample of
/// the stored patterns (<see cref="CapacityOptions.SampleSize"/>) is recalled.
/// </remarks>
public static class HopfieldCapacity
{
    /// <summary>Measures the critical load.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="progress">Optional progress in [0, 1], reported as the search advances.</param>
    /// <param name="cancellationToken">Cancels between recalls.</param>
    /// <returns>The measured and theoretical loads.</returns>
    /// <exception cref="ArgumentException">Invalid options (each message names the option and value).</exception>
    public static CapacityResult Measure(CapacityOptions options, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        int n = options.Neurons;
        double theory = TheoreticalLoad(options);
        int maxPatterns = MaxPatterns(options, theory);
        double guess = double.IsFinite(theory) ? Math.Clamp(theory * n, 1, maxPatterns) : maxPatterns;
        int step = Math.Max(1, (int)Math.Ceiling(guess / 8));
        double expectedEvaluations = (guess / step) + 2 + Math.Log2(step);

        var alphas = new double[options.Trials];
        var counts = new int[options.Trials];
        bool limitReached = false;
        double reported = 0;
        for (int trial = 0; trial < options.Trials; trial++)
        {
            int evaluations = 0;
            int t = trial;
            void Tick()
            {
                evaluations++;
                double p = (t + Math.Min(0.95, evaluations / expectedEvaluations)) / options.Trials;
                if (p > reported)
                {
                    reported = p;
                    progress?.Report(p);
                }
            }

            var search = new Trial(options, trial, cancellationToken);
            int critical = search.Run(step, maxPatterns, Tick);
            counts[trial] = critical;
            alphas[trial] = (double)critical / n;
            limitReached |= critical >= maxPatterns;
            reported = (trial + 1.0) / options.Trials;
            progress?.Report(reported);
        }

        return new CapacityResult(options, Describe(options), alphas, counts, limitReached, maxPatterns, theory, TheoreticalBasis(options), clock.Elapsed);
    }

    /// <summary>The theoretical critical load α = P/N for the memory described by <paramref name="options"/>.</summary>
    /// <param name="options">Model, rule, interaction, degree and N.</param>
    /// <returns>
    /// Hebbian 0.138; Storkey 1/sqrt(2 ln N); pseudo-inverse 1; dense polynomial N^(n−2)/(2(2n−3)!! ln N);
    /// dense exponential 2^(N/2)/N (+∞ when that overflows).
    /// </returns>
    public static double TheoreticalLoad(CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        double n = options.Neurons;
        if (options.Model == CapacityModel.Classical)
        {
            return options.Rule switch
            {
                LearningRule.Hebbian => 0.138,
                LearningRule.Storkey => 1.0 / Math.Sqrt(2 * Math.Log(n)),
                _ => 1.0,
            };
        }

        if (options.Interaction == DenseInteraction.Exponential)
        {
            return Math.Pow(2, n / 2) / n;
        }

        double doubleFactorial = 1;
        for (int k = (2 * options.Degree) - 3; k > 1; k -= 2)
        {
            doubleFactorial *= k;
        }

        return Math.Pow(n, options.Degree - 2) / (2 * doubleFactorial * Math.Log(n));
    }

    private static string TheoreticalBasis(CapacityOptions options)
    {
        if (options.Model == CapacityModel.Classical)
        {
            return options.Rule switch
            {
                LearningRule.Hebbian => "Amit, Gutfreund and Sompolinsky (1985): retrieval states exist up to α_c ≈ 0.138 (final overlap ≈ 0.97 at α_c).",
                LearningRule.Storkey => "Storkey (1997): P ≈ N / sqrt(2 ln N) patterns stable with no bit errors, α = 1/sqrt(2 ln N); the overlap criterion used here (a few wrong bits allowed) measures higher.",
                _ => "Projection rule (Personnaz et al. 1985; Kanter and Sompolinsky 1987): any P ≤ N linearly independent patterns are fixed points, α = 1 for the fixed-point criterion used here (attraction basins shrink to zero as α → 1).",
            };
        }

        return options.Interaction == DenseInteraction.Exponential
            ? "Demircigil et al. (2017): exponentially many patterns, P ≈ 2^(N/2), α = 2^(N/2)/N."
            : "Krotov and Hopfield (2016): P ≈ N^(n−1) / (2 (2n−3)!! ln N) patterns stable with no bit errors, α = P/N; the overlap criterion used here (a few wrong bits allowed) measures higher.";
    }

    private static string Describe(CapacityOptions options)
    {
        if (options.Model == CapacityModel.Classical)
        {
            return options.Rule switch
            {
                LearningRule.Hebbian => "classical/hebbian",
                LearningRule.Storkey => "classical/storkey",
                _ => "classical/pseudoinverse",
            };
        }

        return options.Interaction switch
        {
            DenseInteraction.Exponential => string.Create(CultureInfo.InvariantCulture, $"dense/exponential beta={options.Beta}"),
            DenseInteraction.Polynomial => string.Create(CultureInfo.InvariantCulture, $"dense/polynomial n={options.Degree}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"dense/rectified-polynomial n={options.Degree}"),
        };
    }

    private static int MaxPatterns(CapacityOptions options, double theory)
    {
        int n = options.Neurons;
        double load = options.MaxLoad ?? (options.Model, options.Rule) switch
        {
            (CapacityModel.Classical, LearningRule.Hebbian) => 0.5,
            (CapacityModel.Classical, _) => 1.0,
            _ => Math.Min(Math.Max(1.0, 4 * theory), (double)CapacityOptions.Defaults.MaxDensePatterns / n),
        };
        return (int)Math.Clamp(Math.Floor(load * n), 1, int.MaxValue / 2);
    }

    /// <summary>Deterministic seed mixing (SplitMix64 finaliser); HashCode is randomised per process and would break reproducibility.</summary>
    internal static int Mix(int a, int b)
    {
        ulong z = ((ulong)(uint)a << 32) ^ (uint)b;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }

    /// <summary>One trial: its own patterns, memory and random sample stream.</summary>
    private sealed class Trial
    {
        private readonly CapacityOptions _options;
        private readonly CancellationToken _cancel;
        private readonly Random _patternRandom;
        private readonly int _seed;
        private readonly List<sbyte[]> _patterns = [];
        private object _memory;

        public Trial(CapacityOptions options, int trial, CancellationToken cancel)
        {
            _options = options;
            _cancel = cancel;
            _seed = Mix(options.Seed, trial);
            _patternRandom = new Random(_seed);
            _memory = options.Model == CapacityModel.Classical
                ? new ClassicalHopfieldNetwork(options.Neurons, options.Rule, options.MaxWeightBytes)
                : new DenseAssociativeMemory(
                    options.Neurons,
                    options.Interaction,
                    options.Interaction == DenseInteraction.Exponential ? 2 : options.Degree,
                    options.Interaction == DenseInteraction.Exponential ? options.Beta : 1.0);
        }

        private int Count => _memory is ClassicalHopfieldNetwork c ? c.PatternCount : ((DenseAssociativeMemory)_memory).PatternCount;

        public int Run(int step, int maxPatterns, Action tick)
        {
            int good = 0;
            object goodSnapshot = Snapshot();
            int bad = -1;
            int p = Math.Min(step, maxPatterns);
            while (true)
            {
                GrowTo(p);
                bool ok = Passes(p);
                tick();
                if (!ok)
                {
                    bad = p;
                    break;
                }

                good = p;
                if (p >= maxPatterns)
                {
                    return good;
                }

                goodSnapshot = Snapshot();
                p = Math.Min(p + step, maxPatterns);
            }

            while (bad - good > 1)
            {
                int mid = good + ((bad - good) / 2);
                _memory = Copy(goodSnapshot);
                GrowTo(mid);
                bool ok = Passes(mid);
                tick();
                if (ok)
                {
                    good = mid;
                    goodSnapshot = Snapshot();
                }
                else
                {
                    bad = mid;
                }
            }

            return good;
        }

        private object Snapshot() => Copy(_memory);

        private static object Copy(object memory) =>
            memory is ClassicalHopfieldNetwork c ? c.Clone() : ((DenseAssociativeMemory)memory).Clone();

        private void GrowTo(int count)
        {
            while (_patterns.Count < count)
            {
                _patterns.Add(BipolarVector.Random(_options.Neurons, _patternRandom));
            }

            for (int k = Count; k < count; k++)
            {
                _cancel.ThrowIfCancellationRequested();
                if (_memory is ClassicalHopfieldNetwork c)
                {
                    c.Store(_patterns[k]);
                }
                else
                {
                    ((DenseAssociativeMemory)_memory).Store(_patterns[k]);
                }
            }
        }

        private bool Passes(int count)
        {
            var dynamics = _memory is ClassicalHopfieldNetwork c ? c.CreateDynamics() : ((DenseAssociativeMemory)_memory).CreateDynamics();
            var random = new Random(Mix(_seed, count));
            int sample = Math.Min(count, _options.SampleSize);
            var indices = new int[count];
            for (int i = 0; i < count; i++)
            {
                indices[i] = i;
            }

            for (int k = 0; k < sample; k++)
            {
                int j = random.Next(k, count);
                (indices[k], indices[j]) = (indices[j], indices[k]);
            }

            double needed = _options.OverlapThreshold * sample;
            double total = 0;
            for (int k = 0; k < sample; k++)
            {
                _cancel.ThrowIfCancellationRequested();
                var xi = _patterns[indices[k]];
                var probe = _options.ProbeFlipFraction > 0 ? BipolarVector.Corrupt(xi, _options.ProbeFlipFraction, random) : xi;
                var result = BinaryRecallEngine.Run(
                    dynamics,
                    probe,
                    new BinaryRecallOptions { Mode = _options.Mode, MaxSweeps = _options.MaxSweeps, Seed = random.Next(), RecordEnergy = false },
                    "memory");
                total += BipolarVector.Overlap(result.State, xi);

                // Stop early once the threshold cannot be reached even if every remaining recall is perfect.
                if (total + (sample - k - 1) < needed)
                {
                    return false;
                }
            }

            return total >= needed - 1e-9;
        }
    }
}
