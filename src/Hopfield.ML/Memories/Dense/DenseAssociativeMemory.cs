using Hopfield.ML.Numerics;

namespace Hopfield.ML.Memories;

/// <summary>The interaction function F of a <see cref="DenseAssociativeMemory"/>.</summary>
public enum DenseInteraction
{
    /// <summary>Rectified polynomial F(x) = xⁿ for x &gt; 0, else 0 (Krotov and Hopfield 2016).</summary>
    RectifiedPolynomial,

    /// <summary>Plain polynomial F(x) = xⁿ (for n = 2 the dynamics equal the Hebbian network's).</summary>
    Polynomial,

    /// <summary>Exponential F(x) = exp(β x) (Demircigil et al. 2017), evaluated in a shifted, overflow-free form.</summary>
    Exponential,
}

/// <summary>
/// Dense associative memory on binary (±1) states (Krotov and Hopfield 2016; Demircigil et al. 2017): energy
/// E(s) = −Σ_μ F(ξ_μ·s) and update s_i ← sign(Σ_μ [F(ξ_μi + Σ_{j≠i} ξ_μj s_j) − F(−ξ_μi + Σ_{j≠i} ξ_μj s_j)]),
/// a zero sum keeping the neuron's state. Capacity grows like N^(n−1) for F = xⁿ and exponentially for F = exp.
/// </summary>
/// <remarks>
/// <para>
/// Patterns are stored bit-packed. With overlaps m_μ = ξ_μ·s (popcounts), the bracket equals
/// ξ_μi·[F(m_μ) − F(m_μ − 2)] when ξ_μi = s_i and ξ_μi·[F(m_μ + 2) − F(m_μ)] otherwise, so a synchronous sweep
/// is two masked accumulations Xᵀd over the packed bits, O(N·P) with SIMD, never an N×N matrix.
/// </para>
/// <para>
/// Numerics: polynomial differences are exact integers in double while (N + 2)ⁿ·P &lt; 2⁵³, otherwise computed on
/// x/N (a positive rescaling, which leaves every sign unchanged). Exponential differences are taken relative to the
/// largest overlap, exp(β(m_μ − max m)), so nothing overflows for any N or β.
/// </para>
/// <para>Storing is not thread-safe; concurrent recalls on an unchanging memory are.</para>
/// </remarks>
public sealed class DenseAssociativeMemory
{
    private readonly PackedPatterns _patterns;

    /// <summary>Creates an empty dense associative memory.</summary>
    /// <param name="neurons">Number of neurons N (≥ 1).</param>
    /// <param name="interaction">The interaction function F. Default: rectified polynomial.</param>
    /// <param name="degree">Polynomial degree n (≥ 2) for the polynomial interactions; ignored by the exponential one. Default 3.</param>
    /// <param name="beta">Inverse temperature β &gt; 0 of the exponential interaction, F(x) = exp(β x); must be 1 for polynomials. Default 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">N &lt; 1, degree &lt; 2, β not positive and finite, or an unknown interaction.</exception>
    public DenseAssociativeMemory(int neurons, DenseInteraction interaction = DenseInteraction.RectifiedPolynomial, int degree = 3, double beta = 1.0)
    {
        if (neurons < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(neurons), neurons, $"A dense associative memory needs at least 1 neuron (got {neurons}).");
        }

        if (!Enum.IsDefined(interaction))
        {
            throw new ArgumentOutOfRangeException(nameof(interaction), interaction, $"Unknown interaction {(int)interaction}.");
        }

        if (interaction != DenseInteraction.Exponential && degree < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, $"The polynomial degree must be at least 2 (got {degree}); degree 2 is the Hebbian network.");
        }

        if (!(beta > 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"beta must be positive and finite (got {beta}).");
        }

        if (interaction != DenseInteraction.Exponential && beta != 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"beta applies to the exponential interaction only; it must be 1 for {interaction} (got {beta}).");
        }

        Neurons = neurons;
        Interaction = interaction;
        Degree = degree;
        Beta = beta;
        _patterns = new PackedPatterns(neurons);
    }

    private DenseAssociativeMemory(DenseAssociativeMemory other)
    {
        Neurons = other.Neurons;
        Interaction = other.Interaction;
        Degree = other.Degree;
        Beta = other.Beta;
        _patterns = other._patterns.Clone();
    }

    /// <summary>Number of neurons N.</summary>
    public int Neurons { get; }

    /// <summary>The interaction function.</summary>
    public DenseInteraction Interaction { get; }

    /// <summary>Polynomial degree n (meaningless for the exponential interaction).</summary>
    public int Degree { get; }

    /// <summary>β of the exponential interaction (1 for polynomials).</summary>
    public double Beta { get; }

    /// <summary>Number of stored patterns P.</summary>
    public int PatternCount => _patterns.Count;

    /// <summary>Load α = P / N.</summary>
    public double Load => (double)PatternCount / Neurons;

    /// <summary>Bytes held by the bit-packed patterns.</summary>
    public long MemoryBytes => (long)_patterns.Count * _patterns.WordsPerPattern * sizeof(ulong);

    /// <summary>Stores one pattern.</summary>
    /// <param name="pattern">N values, each −1 or +1.</param>
    /// <exception cref="ArgumentException">Wrong length or a value other than ±1.</exception>
    public void Store(ReadOnlySpan<sbyte> pattern)
    {
        BipolarVector.Validate(pattern, Neurons, nameof(pattern));
        _patterns.Add(pattern);
    }

    /// <summary>Stores several patterns in order.</summary>
    /// <param name="patterns">Patterns of N values, each −1 or +1.</param>
    public void StoreRange(IEnumerable<sbyte[]> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        int k = 0;
        foreach (var p in patterns)
        {
            if (p is null)
            {
                throw new ArgumentException($"patterns[{k}] is null.", nameof(patterns));
            }

            Store(p);
            k++;
        }
    }

    /// <summary>A copy of stored pattern <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="PatternCount"/>.</param>
    /// <returns>The ±1 pattern.</returns>
    public sbyte[] GetPattern(int index)
    {
        if ((uint)index >= (uint)PatternCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Pattern index must be in [0, {PatternCount}) (got {index}).");
        }

        return _patterns.Unpack(index);
    }

    /// <summary>
    /// The energy. Polynomial: E(s) = −Σ_μ F(ξ_μ·s). Exponential: the same energy times the constant exp(−βN), i.e.
    /// −Σ_μ exp(β(ξ_μ·s − N)), which is finite for every N and orders states identically.
    /// </summary>
    /// <param name="state">N values, each ±1.</param>
    /// <returns>The energy.</returns>
    public double Energy(ReadOnlySpan<sbyte> state)
    {
        BipolarVector.Validate(state, Neurons, nameof(state));
        return new Dynamics(this).Energy(state);
    }

    /// <summary>True when no neuron would change under a synchronous update.</summary>
    /// <param name="state">N values, each ±1.</param>
    /// <returns>Whether the state is a fixed point.</returns>
    public bool IsFixedPoint(ReadOnlySpan<sbyte> state)
    {
        BipolarVector.Validate(state, Neurons, nameof(state));
        if (PatternCount == 0)
        {
            return true;
        }

        return new Dynamics(this).SynchronousStep(state, new sbyte[Neurons]) == 0;
    }

    /// <summary>Runs the dynamics from <paramref name="probe"/> until a fixed point, a 2-cycle (synchronous) or the sweep limit.</summary>
    /// <param name="probe">The initial state: N values, each ±1.</param>
    /// <param name="options">Update mode, sweep limit, seed, recording. Null: asynchronous, 100 sweeps, seed 0, energy trace.</param>
    /// <returns>The final state, sweep count, termination and energy trace.</returns>
    /// <exception cref="ArgumentException">Wrong probe length or a value other than ±1; invalid options.</exception>
    /// <exception cref="InvalidOperationException">No pattern has been stored.</exception>
    public BinaryRecallResult Recall(ReadOnlySpan<sbyte> probe, BinaryRecallOptions? options = null) =>
        BinaryRecallEngine.Run(new Dynamics(this), probe, options, "dense associative memory");

    /// <summary>Recalls several probes (in parallel); result k belongs to probe k. Equivalent to calling <see cref="Recall"/> on each.</summary>
    /// <param name="probes">The initial states, each N values of ±1.</param>
    /// <param name="options">Options shared by every recall; an <see cref="BinaryRecallOptions.OnStep"/> callback may then be called concurrently.</param>
    /// <returns>One result per probe.</returns>
    /// <exception cref="ArgumentException">A probe is null, has the wrong length or a value other than ±1 (the message names its index).</exception>
    /// <exception cref="InvalidOperationException">No pattern has been stored.</exception>
    public BinaryRecallResult[] RecallBatch(IReadOnlyList<sbyte[]> probes, BinaryRecallOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(probes);
        options?.Validate();
        if (PatternCount == 0)
        {
            throw new InvalidOperationException("The dense associative memory stores no patterns; call Store before Recall.");
        }

        for (int k = 0; k < probes.Count; k++)
        {
            if (probes[k] is null)
            {
                throw new ArgumentException($"probes[{k}] is null.", nameof(probes));
            }

            BipolarVector.Validate(probes[k], Neurons, $"probes[{k}]");
        }

        var results = new BinaryRecallResult[probes.Count];
        Parallel.For(0, probes.Count, k => results[k] = Recall(probes[k], options));
        return results;
    }

    internal DenseAssociativeMemory Clone() => new(this);

    internal void Truncate(int count) => _patterns.Truncate(count);

    internal IBinaryDynamics CreateDynamics() => new Dynamics(this);

    private sealed class Dynamics : IBinaryDynamics
    {
        private readonly PackedPatterns _x;
        private readonly DenseInteraction _kind;
        private readonly int _degree;
        private readonly double _beta;
        private readonly double _scale; // polynomial argument scale: 1 (exact integers) or 1/N
        private readonly ulong[] _packed;
        private readonly int[] _m;
        private readonly double[] _same;  // ξ_μi = s_i: F(m) − F(m − 2)
        private readonly double[] _other; // ξ_μi ≠ s_i: F(m + 2) − F(m)
        private double[]? _accSame;
        private double[]? _accOther;
        private ulong[]? _transposed;

        public Dynamics(DenseAssociativeMemory memory)
        {
            _x = memory._patterns;
            _kind = memory.Interaction;
            _degree = memory.Degree;
            _beta = memory.Beta;
            int p = _x.Count;
            double exactBound = Math.Pow(_x.Neurons + 2.0, _degree) * Math.Max(1, p);
            _scale = exactBound < 9.007199254740992e15 ? 1.0 : 1.0 / _x.Neurons;
            _packed = new ulong[_x.WordsPerPattern];
            _m = new int[p];
            _same = new double[p];
            _other = new double[p];
        }

        public int Neurons => _x.Neurons;

        public int PatternCount => _x.Count;

        private double F(double x)
        {
            if (_kind == DenseInteraction.RectifiedPolynomial && x <= 0)
            {
                return 0;
            }

            double v = x * _scale;
            double r = v;
            for (int k = 1; k < _degree; k++)
            {
                r *= v;
            }

            return r;
        }

        private void LoadOverlaps(ReadOnlySpan<sbyte> state)
        {
            BitPacking.Pack(state, _packed);
            _x.Overlaps(_packed, _m);
        }

        private void Differences()
        {
            var m = _m;
            if (_kind == DenseInteraction.Exponential)
            {
                // F(m) − F(m−2) ∝ exp(β(m − 2 − M)), F(m+2) − F(m) ∝ exp(β(m − M)); common factor e^{β(M+2)}(1 − e^{−2β}) dropped.
                int max = int.MinValue;
                foreach (int v in m)
                {
                    max = Math.Max(max, v);
                }

                for (int mu = 0; mu < m.Length; mu++)
                {
                    _other[mu] = Math.Exp(_beta * (m[mu] - max));
                    _same[mu] = Math.Exp(_beta * (m[mu] - 2 - max));
                }

                return;
            }

            for (int mu = 0; mu < m.Length; mu++)
            {
                double fm = F(m[mu]);
                _same[mu] = fm - F(m[mu] - 2);
                _other[mu] = F(m[mu] + 2) - fm;
            }
        }

        public int SynchronousStep(ReadOnlySpan<sbyte> state, Span<sbyte> next)
        {
            int n = _x.Neurons;
            int p = _x.Count;
            LoadOverlaps(state);
            Differences();
            _accSame ??= new double[n];
            _accOther ??= new double[n];
            BitFieldKernels.Accumulate(_x.RawData, _x.WordsPerPattern, p, _same, _accSame, n);
            BitFieldKernels.Accumulate(_x.RawData, _x.WordsPerPattern, p, _other, _accOther, n);
            double totalSame = 0, totalOther = 0;
            for (int mu = 0; mu < p; mu++)
            {
                totalSame += _same[mu];
                totalOther += _other[mu];
            }

            int changed = 0;
            for (int i = 0; i < n; i++)
            {
                sbyte s = state[i];

                // s = +1: Σ_{ξ=+1} same − Σ_{ξ=−1} other;  s = −1: Σ_{ξ=+1} other − Σ_{ξ=−1} same.
                double h = s > 0
                    ? _accSame[i] - (totalOther - _accOther[i])
                    : _accOther[i] - (totalSame - _accSame[i]);
                sbyte v = h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : s;
                next[i] = v;
                changed += v != s ? 1 : 0;
            }

            return changed;
        }

        public int AsynchronousSweep(Span<sbyte> state, ReadOnlySpan<int> order)
        {
            int p = _x.Count;
            LoadOverlaps(state);
            Differences();
            _transposed ??= _x.Transpose();
            ReadOnlySpan<ulong> data = _transposed;
            var m = _m;
            int flips = 0;
            foreach (int i in order)
            {
                var bits = data.Slice((i >> 6) * p, p);
                int bit = i & 63;
                sbyte s = state[i];
                bool sPlus = s > 0;
                double h = 0;
                for (int mu = 0; mu < bits.Length; mu++)
                {
                    bool xPlus = ((bits[mu] >> bit) & 1UL) != 0;
                    double d = xPlus == sPlus ? _same[mu] : _other[mu];
                    h += xPlus ? d : -d;
                }

                sbyte v = h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : s;
                if (v != s)
                {
                    state[i] = v;
                    flips++;
                    int delta = 2 * v;
                    for (int mu = 0; mu < bits.Length; mu++)
                    {
                        m[mu] += ((bits[mu] >> bit) & 1UL) != 0 ? delta : -delta;
                    }

                    Differences();
                }
            }

            return flips;
        }

        public double Energy(ReadOnlySpan<sbyte> state)
        {
            LoadOverlaps(state);
            double sum = 0;
            int n = _x.Neurons;
            foreach (int v in _m)
            {
                sum += _kind == DenseInteraction.Exponential
                    ? Math.Exp(_beta * (v - n))
                    : F(v) / Math.Pow(_scale, _degree);
            }

            return -sum;
        }
    }
}
