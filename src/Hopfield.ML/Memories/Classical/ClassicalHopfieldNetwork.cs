using System.Globalization;
using System.Numerics.Tensors;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Memories;

/// <summary>
/// The classical binary Hopfield network (Hopfield 1982): N neurons with states ±1, symmetric couplings without
/// self-coupling, energy E(s) = −½ Σ_{i≠j} W_ij s_i s_j, and synchronous or asynchronous sign updates
/// s_i ← sign(Σ_{j≠i} W_ij s_j) (a zero field keeps the neuron's state).
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="LearningRule.Hebbian"/> the patterns are kept bit-packed and the local field is computed as
/// Xᵀ(X s) from popcount overlaps m_μ = N − 2·popcount(ξ_μ xor s); no N×N matrix is formed, so a megapixel image
/// (N = 1,048,576) with a handful of patterns takes a few MiB. <see cref="LearningRule.Storkey"/> and
/// <see cref="LearningRule.PseudoInverse"/> keep an N×N float matrix, refused above <see cref="MaxWeightBytes"/>.
/// </para>
/// <para>Storing is not thread-safe; concurrent <see cref="Recall"/>, <see cref="Energy"/> and field calls on an unchanging network are.</para>
/// </remarks>
public sealed class ClassicalHopfieldNetwork
{
    /// <summary>Default cap on the N×N float weight matrix of the Storkey and pseudo-inverse rules: 2 GiB.</summary>
    public const long DefaultMaxWeightBytes = 2L << 30;

    private const int ParallelRowThreshold = 2048;

    private readonly PackedPatterns _patterns;
    private readonly float[]? _weights;
    private SpareDynamics? _spare;

    /// <summary>Creates an empty network.</summary>
    /// <param name="neurons">Number of neurons N (≥ 1).</param>
    /// <param name="rule">The learning rule. Default: Hebbian.</param>
    /// <param name="maxWeightBytes">Cap on the N×N float weight matrix (Storkey and pseudo-inverse only). Default 2 GiB.</param>
    /// <exception cref="ArgumentOutOfRangeException">N &lt; 1, an unknown rule, or the weight matrix would exceed the cap.</exception>
    public ClassicalHopfieldNetwork(int neurons, LearningRule rule = LearningRule.Hebbian, long maxWeightBytes = DefaultMaxWeightBytes)
    {
        if (neurons < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(neurons), neurons, $"A Hopfield network needs at least 1 neuron (got {neurons}).");
        }

        if (!Enum.IsDefined(rule))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule, $"Unknown learning rule {(int)rule}.");
        }

        if (maxWeightBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWeightBytes), maxWeightBytes, $"The weight cap must be positive (got {maxWeightBytes}).");
        }

        Neurons = neurons;
        Rule = rule;
        MaxWeightBytes = maxWeightBytes;
        _patterns = new PackedPatterns(neurons);
        if (rule != LearningRule.Hebbian)
        {
            CheckWeightSize(neurons, rule, maxWeightBytes, nameof(neurons));
            _weights = new float[(long)neurons * neurons];
        }
    }

    private ClassicalHopfieldNetwork(ClassicalHopfieldNetwork other)
    {
        Neurons = other.Neurons;
        Rule = other.Rule;
        MaxWeightBytes = other.MaxWeightBytes;
        _patterns = other._patterns.Clone();
        _weights = (float[]?)other._weights?.Clone();
    }

    /// <summary>Number of neurons N.</summary>
    public int Neurons { get; }

    /// <summary>The learning rule.</summary>
    public LearningRule Rule { get; }

    /// <summary>Cap on the N×N float weight matrix in bytes.</summary>
    public long MaxWeightBytes { get; }

    /// <summary>Number of stored patterns P.</summary>
    public int PatternCount => _patterns.Count;

    /// <summary>Load α = P / N.</summary>
    public double Load => (double)PatternCount / Neurons;

    /// <summary>Bytes held by the couplings: the packed patterns (Hebbian) or the N×N float matrix.</summary>
    public long MemoryBytes => _weights is null ? (long)_patterns.Count * _patterns.WordsPerPattern * sizeof(ulong) : _weights.LongLength * sizeof(float);

    /// <summary>Stores one pattern (incrementally for every rule).</summary>
    /// <param name="pattern">N values, each −1 or +1.</param>
    /// <exception cref="ArgumentException">Wrong length or a value other than ±1.</exception>
    /// <exception cref="InvalidOperationException">The Hebbian field would overflow (P × N above 2³¹ − 1).</exception>
    public void Store(ReadOnlySpan<sbyte> pattern)
    {
        BipolarVector.Validate(pattern, Neurons, nameof(pattern));
        if (Rule == LearningRule.Hebbian && (long)(PatternCount + 1) * Neurons > int.MaxValue)
        {
            throw new InvalidOperationException(
                $"Cannot store pattern #{PatternCount + 1}: the Hebbian network supports P × N ≤ {int.MaxValue} (N = {Neurons}).");
        }

        switch (Rule)
        {
            case LearningRule.Storkey:
                AddStorkey(pattern);
                break;
            case LearningRule.PseudoInverse:
                AddProjection(pattern);
                break;
            default:
                break;
        }

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

    /// <summary>The energy E(s) = −½ Σ_{i≠j} W_ij s_i s_j (for Hebbian: −(1/2N) Σ_μ (m_μ² − N)).</summary>
    /// <param name="state">N values, each ±1.</param>
    /// <returns>The energy.</returns>
    public double Energy(ReadOnlySpan<sbyte> state)
    {
        BipolarVector.Validate(state, Neurons, nameof(state));
        return CreateDynamics().Energy(state);
    }

    /// <summary>The local fields h_i = Σ_{j≠i} W_ij s_j.</summary>
    /// <param name="state">N values, each ±1.</param>
    /// <param name="fields">Destination of length N.</param>
    public void ComputeLocalFields(ReadOnlySpan<sbyte> state, Span<float> fields)
    {
        BipolarVector.Validate(state, Neurons, nameof(state));
        if (fields.Length != Neurons)
        {
            throw new ArgumentException($"fields has length {fields.Length}; expected {Neurons}.", nameof(fields));
        }

        switch (CreateDynamics())
        {
            case HebbianDynamics h:
                h.Fields(state, fields);
                break;
            case MatrixDynamics m:
                m.Fields(state, fields);
                break;
            default:
                throw new InvalidOperationException("Unreachable.");
        }
    }

    /// <summary>True when no neuron would change under a synchronous update (every field agrees in sign with the state or is zero).</summary>
    /// <param name="state">N values, each ±1.</param>
    /// <returns>Whether the state is a fixed point.</returns>
    public bool IsFixedPoint(ReadOnlySpan<sbyte> state)
    {
        BipolarVector.Validate(state, Neurons, nameof(state));
        var next = new sbyte[Neurons];
        return CreateDynamics().SynchronousStep(state, next) == 0;
    }

    /// <summary>
    /// The explicit N×N weight matrix (row-major, zero diagonal), materialised for Hebbian networks. Refused above
    /// <see cref="MaxWeightBytes"/>.
    /// </summary>
    /// <returns>A new array of N×N floats.</returns>
    public float[] ToWeightMatrix()
    {
        int n = Neurons;
        if (_weights is not null)
        {
            var copy = (float[])_weights.Clone();
            for (int i = 0; i < n; i++)
            {
                copy[((long)i * n) + i] = 0f;
            }

            return copy;
        }

        CheckWeightSize(n, Rule, MaxWeightBytes, nameof(MaxWeightBytes));
        var w = new float[(long)n * n];
        var rows = new sbyte[n];
        for (int mu = 0; mu < PatternCount; mu++)
        {
            BitPacking.Unpack(_patterns.Row(mu), rows);
            for (int i = 0; i < n; i++)
            {
                long o = (long)i * n;
                float xi = rows[i] / (float)n;
                for (int j = 0; j < n; j++)
                {
                    w[o + j] += xi * rows[j];
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            w[((long)i * n) + i] = 0f;
        }

        return w;
    }

    /// <summary>Runs the dynamics from <paramref name="probe"/> until a fixed point, a 2-cycle (synchronous) or the sweep limit.</summary>
    /// <param name="probe">The initial state: N values, each ±1.</param>
    /// <param name="options">Update mode, sweep limit, seed, recording. Null: asynchronous, 100 sweeps, seed 0, energy trace.</param>
    /// <returns>The final state, sweep count, termination and energy trace.</returns>
    /// <exception cref="ArgumentException">Wrong probe length or a value other than ±1; invalid options.</exception>
    /// <exception cref="InvalidOperationException">No pattern has been stored.</exception>
    public BinaryRecallResult Recall(ReadOnlySpan<sbyte> probe, BinaryRecallOptions? options = null)
    {
        // The dynamics hold N-sized work buffers (4 MiB of fields at N = 2²⁰): reuse one spare instead of allocating
        // (and page-faulting) fresh ones on every call. A spare built before a later Store is discarded.
        int count = PatternCount;
        var spare = Interlocked.Exchange(ref _spare, null);
        IBinaryDynamics dynamics = spare is not null && spare.PatternCount == count ? spare.Dynamics : CreateDynamics();
        var result = BinaryRecallEngine.Run(dynamics, probe, options, "classical Hopfield network");
        Interlocked.CompareExchange(ref _spare, new SpareDynamics(dynamics, count), null);
        return result;
    }

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
            throw new InvalidOperationException("The classical Hopfield network stores no patterns; call Store before Recall.");
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

    internal ClassicalHopfieldNetwork Clone() => new(this);

    /// <summary>A dynamics instance not in use, with the pattern count it was built for.</summary>
    private sealed record SpareDynamics(IBinaryDynamics Dynamics, int PatternCount);

    internal IBinaryDynamics CreateDynamics() =>
        _weights is null ? new HebbianDynamics(_patterns) : new MatrixDynamics(_weights, Neurons, PatternCount);

    internal static void CheckWeightSize(int neurons, LearningRule rule, long maxWeightBytes, string paramName)
    {
        long elements = (long)neurons * neurons;
        long bytes = elements * sizeof(float);
        if (bytes > maxWeightBytes || elements > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The {rule} rule needs an explicit N×N float weight matrix: N = {neurons} needs {bytes / (1024.0 * 1024 * 1024):0.###} GiB, above the cap of {maxWeightBytes / (1024.0 * 1024 * 1024):0.###} GiB (maxWeightBytes = {maxWeightBytes}). Use the Hebbian rule (bit-packed, no N×N matrix), fewer neurons, or a larger cap."));
        }
    }

    // Storkey (1997): ΔW_ij = (1/N)[ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j], h_ij = Σ_{k≠i,j} W_ik ξ_k, W_ii kept at 0.
    // With W_ii = 0 and W symmetric this is ΔW_ij = (1/N)[ξ_i ξ_j − ξ_i h_j − h_i ξ_j + 2 W_ij], h = W ξ.
    private void AddStorkey(ReadOnlySpan<sbyte> pattern)
    {
        int n = Neurons;
        var w = _weights!;
        var xi = new float[n];
        for (int i = 0; i < n; i++)
        {
            xi[i] = pattern[i];
        }

        var h = new float[n];
        MatVec(w, xi, h, n);
        float a = 1f + (2f / n);
        float invN = 1f / n;
        ForRows(n, i =>
        {
            var row = w.AsSpan((int)((long)i * n), n);
            float b = xi[i] * invN;
            float c = h[i] * invN;

            // row ← a·row + (b − c)·ξ − b·h, vectorised.
            Span<float> tmp = n <= 2048 ? stackalloc float[n] : new float[n];
            TensorPrimitives.Multiply(xi, b - c, tmp);
            TensorPrimitives.MultiplyAdd(h, -b, tmp, tmp);
            TensorPrimitives.MultiplyAdd(row, a, tmp, row);
            row[i] = 0f;
        });
    }

    // Projection W = Xᵀ(XXᵀ)⁻¹X grown by Gram–Schmidt: u = ξ − Wξ (re-orthogonalised once), W += u uᵀ / |u|².
    private void AddProjection(ReadOnlySpan<sbyte> pattern)
    {
        int n = Neurons;
        var w = _weights!;
        var xi = new float[n];
        for (int i = 0; i < n; i++)
        {
            xi[i] = pattern[i];
        }

        var wx = new float[n];
        MatVec(w, xi, wx, n);
        var u = new float[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = xi[i] - wx[i];
        }

        MatVec(w, u, wx, n);
        double norm2 = 0;
        for (int i = 0; i < n; i++)
        {
            u[i] -= wx[i];
            norm2 += (double)u[i] * u[i];
        }

        if (norm2 < 1e-6 * n)
        {
            return; // ξ already lies (numerically) in the span of the stored patterns; W already projects it onto itself.
        }

        float inv = (float)(1.0 / norm2);
        ForRows(n, i =>
        {
            var row = w.AsSpan((int)((long)i * n), n);
            TensorPrimitives.MultiplyAdd(u, u[i] * inv, row, row);
        });
    }

    private static void MatVec(float[] w, float[] x, float[] y, int n) =>
        ForRows(n, i => y[i] = TensorPrimitives.Dot(w.AsSpan((int)((long)i * n), n), x));

    private static void ForRows(int n, Action<int> body)
    {
        if (n >= ParallelRowThreshold && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, n, body);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                body(i);
            }
        }
    }

    /// <summary>Hebbian dynamics on bit-packed patterns: field_i = (1/N)(Σ_μ ξ_μi m_μ − P s_i).</summary>
    private sealed class HebbianDynamics : IBinaryDynamics
    {
        private readonly PackedPatterns _x;
        private readonly ulong[] _packed;
        private readonly int[] _m;
        private int[]? _fullAcc;
        private ulong[]? _transposed;

        public HebbianDynamics(PackedPatterns patterns)
        {
            _x = patterns;
            _packed = new ulong[patterns.WordsPerPattern];
            _m = new int[patterns.Count];
        }

        public int Neurons => _x.Neurons;

        public int PatternCount => _x.Count;

        /// <summary>Integer fields H_i = N·h_i into <see cref="FullAcc"/>; returns M = Σ m (fields are 2·acc − M − P s).</summary>
        /// <summary>Field accumulators for every neuron, allocated on first use (the synchronous step does not need them).</summary>
        private int[] FullAcc => _fullAcc ??= new int[_x.Neurons];

        private long ComputeSelected(ReadOnlySpan<sbyte> state)
        {
            long total = Overlaps(state);
            BitFieldKernels.Accumulate(_x.RawData, _x.WordsPerPattern, _x.Count, _m, FullAcc, _x.Neurons);
            return total;
        }

        /// <summary>Packs the state, fills the overlaps m and returns M = Σ m.</summary>
        private long Overlaps(ReadOnlySpan<sbyte> state)
        {
            BitPacking.Pack(state, _packed);
            _x.Overlaps(_packed, _m);
            long total = 0;
            foreach (int v in _m)
            {
                total += v;
            }

            return total;
        }

        public void Fields(ReadOnlySpan<sbyte> state, Span<float> fields)
        {
            long total = ComputeSelected(state);
            int p = _x.Count;
            double invN = 1.0 / _x.Neurons;
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = (float)(((2L * FullAcc[i]) - total - ((long)p * state[i])) * invN);
            }
        }

        public int SynchronousStep(ReadOnlySpan<sbyte> state, Span<sbyte> next)
        {
            // s_i' = +1 iff 2·acc_i − M − P·s_i > 0, or = 0 with s_i = +1 (a zero field keeps the state):
            // s_i = +1: acc_i ≥ ⌈(M + P)/2⌉;  s_i = −1: acc_i ≥ ⌊(M − P)/2⌋ + 1.
            long total = Overlaps(state);
            long p = _x.Count;
            int thresholdPlus = (int)((total + p + 1) >> 1);
            int thresholdMinus = (int)(((total - p) >> 1) + 1);

            // Fields and sign update fused per block of 256 words (16,384 neurons, a 64 KiB field buffer that stays in
            // L2) instead of a field per neuron (4 MiB at N = 2²⁰); blocks run in parallel when the work is large.
            const int BlockWords = 256;
            int words = _x.WordsPerPattern, n = _x.Neurons, count = _x.Count;
            int blocks = (words + BlockWords - 1) / BlockWords;
            ulong[] rows = _x.RawData;
            int[] m = _m;
            int Block(int b, ReadOnlySpan<sbyte> s, Span<sbyte> d)
            {
                int ws = b * BlockWords, we = Math.Min(words, ws + BlockWords);
                int i0 = ws << 6, i1 = Math.Min(n, we << 6);
                int[] acc = System.Buffers.ArrayPool<int>.Shared.Rent(BlockWords << 6);
                try
                {
                    BitFieldKernels.AccumulateRange(rows, words, count, m, acc, n, ws, we, i0);
                    return BitFieldKernels.ThresholdUpdate(acc.AsSpan(0, i1 - i0), s[i0..i1], d[i0..i1], thresholdPlus, thresholdMinus);
                }
                finally
                {
                    System.Buffers.ArrayPool<int>.Shared.Return(acc);
                }
            }

            if (blocks == 1 || (long)words * count < BitFieldKernels.ParallelThreshold || Environment.ProcessorCount < 2)
            {
                int changed = 0;
                for (int b = 0; b < blocks; b++)
                {
                    changed += Block(b, state, next);
                }

                return changed;
            }

            unsafe
            {
                fixed (sbyte* ps = state, pn = next)
                {
                    nint sp = (nint)ps, np = (nint)pn;
                    int changed = 0;
                    Parallel.For(
                        0,
                        blocks,
                        () => 0,
                        (b, _, local) => local + Block(b, new ReadOnlySpan<sbyte>((sbyte*)sp, n), new Span<sbyte>((sbyte*)np, n)),
                        local => Interlocked.Add(ref changed, local));
                    return changed;
                }
            }
        }

        public int AsynchronousSweep(Span<sbyte> state, ReadOnlySpan<int> order)
        {
            BitPacking.Pack(state, _packed);
            _x.Overlaps(_packed, _m);
            var m = _m;
            int p = _x.Count;
            _transposed ??= _x.Transpose();
            ReadOnlySpan<ulong> data = _transposed;
            int flips = 0;
            foreach (int i in order)
            {
                int start = (i >> 6) * p;
                int bit = i & 63;
                sbyte s = state[i];
                long h = -(long)p * s;
                var bits = data.Slice(start, p);
                for (int mu = 0; mu < bits.Length; mu++)
                {
                    int sign = ((int)(bits[mu] >> bit) & 1) * 2 - 1;
                    h += sign * m[mu];
                }

                sbyte v = h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : s;
                if (v != s)
                {
                    state[i] = v;
                    flips++;
                    int delta = 2 * v;
                    for (int mu = 0; mu < bits.Length; mu++)
                    {
                        int sign = ((int)(bits[mu] >> bit) & 1) * 2 - 1;
                        m[mu] += sign * delta;
                    }
                }
            }

            return flips;
        }

        public double Energy(ReadOnlySpan<sbyte> state)
        {
            BitPacking.Pack(state, _packed);
            _x.Overlaps(_packed, _m);
            double sum = 0;
            double n = _x.Neurons;
            foreach (int v in _m)
            {
                sum += ((double)v * v) - n;
            }

            return -sum / (2.0 * n);
        }
    }

    /// <summary>Dynamics with an explicit weight matrix; self-couplings W_ii are excluded from fields and energy.</summary>
    private sealed class MatrixDynamics : IBinaryDynamics
    {
        private readonly float[] _w;
        private readonly int _n;
        private readonly float[] _s;

        public MatrixDynamics(float[] weights, int neurons, int patternCount)
        {
            _w = weights;
            _n = neurons;
            PatternCount = patternCount;
            _s = new float[neurons];
        }

        public int Neurons => _n;

        public int PatternCount { get; }

        private float Field(int i) =>
            TensorPrimitives.Dot(_w.AsSpan((int)((long)i * _n), _n), _s) - (_w[((long)i * _n) + i] * _s[i]);

        private void Load(ReadOnlySpan<sbyte> state)
        {
            for (int i = 0; i < _n; i++)
            {
                _s[i] = state[i];
            }
        }

        public void Fields(ReadOnlySpan<sbyte> state, Span<float> fields)
        {
            Load(state);
            var h = new float[_n];
            ForRows(_n, i => h[i] = Field(i));
            h.CopyTo(fields);
        }

        public int SynchronousStep(ReadOnlySpan<sbyte> state, Span<sbyte> next)
        {
            Load(state);
            var h = new float[_n];
            ForRows(_n, i => h[i] = Field(i));
            int changed = 0;
            for (int i = 0; i < _n; i++)
            {
                sbyte s = state[i];
                sbyte v = h[i] > 0 ? (sbyte)1 : h[i] < 0 ? (sbyte)-1 : s;
                next[i] = v;
                changed += v != s ? 1 : 0;
            }

            return changed;
        }

        public int AsynchronousSweep(Span<sbyte> state, ReadOnlySpan<int> order)
        {
            Load(state);
            int flips = 0;
            foreach (int i in order)
            {
                float h = Field(i);
                sbyte s = state[i];
                sbyte v = h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : s;
                if (v != s)
                {
                    state[i] = v;
                    _s[i] = v;
                    flips++;
                }
            }

            return flips;
        }

        public double Energy(ReadOnlySpan<sbyte> state)
        {
            Load(state);
            double sum = 0;
            for (int i = 0; i < _n; i++)
            {
                sum += (double)_s[i] * Field(i);
            }

            return -0.5 * sum;
        }
    }
}
