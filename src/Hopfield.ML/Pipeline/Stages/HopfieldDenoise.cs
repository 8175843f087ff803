using System.Globalization;
using System.Numerics.Tensors;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Pipeline.Stages;

/// <summary>
/// A fitted clean-up stage: replaces every feature vector by its retrieval from an auto-associative memory,
/// <c>x ← Xᵀ separation(similarity(X, x))</c>, repeated <see cref="Steps"/> times (the modern Hopfield update with the
/// memory's similarity and separation). With <see cref="ConfidenceGate"/> &gt; 0 a row whose largest attention weight is
/// below the gate is passed through unchanged (the memory is not sure which pattern it is, so it does not guess).
/// Immutable and thread-safe.
/// </summary>
[PipelineStage("HopfieldDenoise", Version = 1)]
public sealed class HopfieldDenoiseTransformer : VectorTransformerBase, ILoadableStage<HopfieldDenoiseTransformer>
{
    private const int BlockRows = 256;
    private readonly float[] _patterns;
    private readonly UniversalHopfieldMemory _memory;

    internal HopfieldDenoiseTransformer(string outputColumnName, string inputColumnName, int dimension, float[] patterns,
        UniversalHopfieldOptions options, int steps, float confidenceGate, bool excludeIdentical)
        : base(outputColumnName, inputColumnName, dimension)
    {
        _patterns = patterns;
        Steps = steps;
        ConfidenceGate = confidenceGate;
        ExcludeIdentical = excludeIdentical;
        _memory = new UniversalHopfieldMemory(patterns, patterns.Length / dimension, default, options);
    }

    private HopfieldDenoiseTransformer(ModelLoadContext context)
        : base(context)
    {
        var options = StageMemory.Load(context);
        Steps = context.GetInt32("steps");
        ConfidenceGate = context.GetSingle("confidenceGate");
        ExcludeIdentical = context.GetBoolean("excludeIdentical");
        _patterns = context.GetTensor("patterns", out var shape);
        if (shape.Length != 2 || shape[0] < 1 || shape[1] != InputSize)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"tensor 'patterns' must have shape [count ≥ 1, {InputSize}], got [{string.Join(", ", shape)}]"));
        }

        if (Steps < 1 || !(ConfidenceGate >= 0 && ConfidenceGate < 1))
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"invalid steps {Steps} or confidenceGate {ConfidenceGate}"));
        }

        try
        {
            _memory = new UniversalHopfieldMemory(_patterns, shape[0], default, options);
        }
        catch (ArgumentException ex)
        {
            throw context.Error(ex.Message);
        }
    }

    /// <summary>The number of stored patterns.</summary>
    public int PatternCount => _memory.Count;

    /// <summary>The stored patterns, row-major <c>PatternCount × InputSize</c>.</summary>
    public ReadOnlySpan<float> Patterns => _patterns;

    /// <summary>The memory settings (similarity, separation, β, top-k).</summary>
    public UniversalHopfieldOptions MemoryOptions => _memory.Options;

    /// <summary>The number of retrieval steps per row.</summary>
    public int Steps { get; }

    /// <summary>Rows whose largest attention weight is below this pass unchanged; 0 = always retrieve.</summary>
    public float ConfidenceGate { get; }

    /// <summary>
    /// Whether a query identical to a stored pattern leaves that pattern out of its first retrieval step (the other
    /// weights are renormalised). Applied to the training rows this gives leave-one-out retrievals, so a classifier fitted
    /// after the stage learns from retrieved patterns, the kind of input it will see at test time.
    /// </summary>
    public bool ExcludeIdentical { get; }

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static HopfieldDenoiseTransformer Load(ModelLoadContext context) => new(context);

    /// <summary>Denoises one vector.</summary>
    /// <param name="input">A vector of length <see cref="VectorTransformerBase.InputSize"/>.</param>
    /// <returns>The retrieved vector.</returns>
    public float[] Denoise(ReadOnlySpan<float> input)
    {
        if (input.Length != InputSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The input has {input.Length} values, expected {InputSize}."), nameof(input));
        }

        var output = new float[InputSize];
        MapRows(input, 1, InputSize, output);
        return output;
    }

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        // Parallel.For cannot capture spans: copy into an array once and write back.
        var src = input.ToArray();
        var dst = new float[output.Length];
        StageMemory.ForBlocks(rowCount, BlockRows, (start, len) => MapBlock(src.AsSpan(start * inputSize, len * inputSize), len, dst.AsSpan(start * inputSize, len * inputSize)));
        dst.CopyTo(output);
    }

    private void MapBlock(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        int d = InputSize;
        var query = input.ToArray();
        float[]? attention = ConfidenceGate > 0 || ExcludeIdentical ? new float[rows * _memory.Count] : null;
        for (int step = 0; step < Steps; step++)
        {
            if (attention is not null && step == 0)
            {
                _memory.RetrieveBatch(query, rows, output, attention);
            }
            else
            {
                _memory.RetrieveBatch(query, rows, output);
            }

            if (step == 0 && ExcludeIdentical)
            {
                LeaveIdenticalOut(input, rows, output, attention!);
            }

            if (step + 1 < Steps)
            {
                output.CopyTo(query);
            }
        }

        if (attention is not null && ConfidenceGate > 0)
        {
            int n = _memory.Count;
            for (int r = 0; r < rows; r++)
            {
                if (TensorPrimitives.Max(attention.AsSpan(r * n, n)) < ConfidenceGate)
                {
                    input.Slice(r * d, d).CopyTo(output.Slice(r * d, d));
                }
            }
        }
    }

    private void LeaveIdenticalOut(ReadOnlySpan<float> input, int rows, Span<float> output, float[] attention)
    {
        int d = InputSize, n = _memory.Count;
        for (int r = 0; r < rows; r++)
        {
            var weights = attention.AsSpan(r * n, n);
            var query = input.Slice(r * d, d);
            int best = TensorPrimitives.IndexOfMax(weights);
            if (!query.SequenceEqual(_patterns.AsSpan(best * d, d)))
            {
                continue;
            }

            weights[best] = 0f;
            float sum = TensorPrimitives.Sum(weights);
            var o = output.Slice(r * d, d);
            if (!(sum > 0))
            {
                query.CopyTo(o); // nothing else has any weight: keep the row
                continue;
            }

            o.Clear();
            TensorPrimitives.Divide(weights, sum, weights);
            float floor = TensorPrimitives.Max(weights) * 1e-6f;
            for (int j = 0; j < n; j++)
            {
                if (weights[j] > floor)
                {
                    TensorPrimitives.MultiplyAdd(_patterns.AsSpan(j * d, d), weights[j], o, o);
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        StageMemory.Save(context, _memory.Options);
        context.SetParameter("steps", Steps);
        context.SetParameter("confidenceGate", ConfidenceGate);
        context.SetParameter("excludeIdentical", ExcludeIdentical);
        context.AddTensor("patterns", _patterns, PatternCount, InputSize);
    }
}

/// <summary>
/// Learns a <see cref="HopfieldDenoiseTransformer"/>: stores the training rows (all, or a seeded subsample), k per-class
/// prototypes, or given patterns, in a universal Hopfield memory used as a clean-up step in front of a classifier.
/// </summary>
public sealed class HopfieldDenoiseEstimator : VectorEstimatorBase<HopfieldDenoiseTransformer>
{
    private readonly Options _options;
    private readonly int _seed;

    internal HopfieldDenoiseEstimator(string outputColumnName, string? inputColumnName, Options options, int seed)
        : base(outputColumnName, inputColumnName, options?.Patterns is { } p ? options.PatternDimension(p) : 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _seed = options.Seed ?? seed;
    }

    /// <summary>A copy of the settings.</summary>
    public Options EstimatorOptions => _options.Clone();

    /// <inheritdoc />
    protected override void CheckOtherColumns(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (_options.Source == MemorySource.Prototypes)
        {
            inputSchema.RequireKind(_options.LabelColumnName, ColumnKind.Key);
        }
    }

    /// <inheritdoc />
    protected override HopfieldDenoiseTransformer FitCore(DataColumn inputColumn, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(inputColumn);
        ArgumentNullException.ThrowIfNull(data);
        int d = inputColumn.VectorSize;
        float[] patterns;
        if (_options.Source == MemorySource.Patterns)
        {
            patterns = Flatten(_options.Patterns!, d);
        }
        else
        {
            int[]? labels = null;
            int classCount = 0;
            if (_options.Source == MemorySource.Prototypes)
            {
                var label = data.GetColumn(_options.LabelColumnName);
                labels = label.GetKeys().ToArray();
                classCount = label.Schema.KeyCount;
            }

            patterns = StageMemory.Select(inputColumn.GetFloats(), d, labels, classCount, _options.Source, _options.MaxPatterns, _options.PrototypesPerClass, _seed).Patterns;
        }

        int count = patterns.Length / d;
        if (_options.Separation == SeparationFunction.TopKSoftmax && _options.TopK > count)
        {
            throw new ArgumentOutOfRangeException(nameof(data), _options.TopK, string.Create(CultureInfo.InvariantCulture, $"TopK {_options.TopK} exceeds the {count} stored patterns."));
        }

        var memoryOptions = StageMemory.Options(_options.Similarity, _options.Separation, _options.Beta, _options.TopK);
        return new HopfieldDenoiseTransformer(OutputColumnName, InputColumnName, d, patterns, memoryOptions, _options.Steps, _options.ConfidenceGate, _options.ExcludeIdentical);
    }

    private static float[] Flatten(float[][] rows, int d)
    {
        var result = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i].CopyTo(result, i * d);
        }

        return result;
    }

    /// <summary>Settings of <see cref="HopfieldDenoiseEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Where the stored patterns come from.</summary>
        public MemorySource Source { get; set; } = Defaults.Source;

        /// <summary>The similarity between a query and the stored keys.</summary>
        public SimilarityFunction Similarity { get; set; } = Defaults.Similarity;

        /// <summary>The separation function applied to the similarities.</summary>
        public SeparationFunction Separation { get; set; } = Defaults.Separation;

        /// <summary>Inverse temperature β of the softmax separations (&gt; 0).</summary>
        public float Beta { get; set; } = Defaults.Beta;

        /// <summary>k of <see cref="SeparationFunction.TopKSoftmax"/>.</summary>
        public int TopK { get; set; } = Defaults.TopK;

        /// <summary>Retrieval steps per row (≥ 1).</summary>
        public int Steps { get; set; } = Defaults.Steps;

        /// <summary>With <see cref="MemorySource.TrainingRows"/>: store at most this many rows (seeded subsample); 0 = all.</summary>
        public int MaxPatterns { get; set; }

        /// <summary>With <see cref="MemorySource.Prototypes"/>: prototypes per class (k of the per-class k-means).</summary>
        public int PrototypesPerClass { get; set; } = Defaults.PrototypesPerClass;

        /// <summary>The key label column (only used with <see cref="MemorySource.Prototypes"/>).</summary>
        public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

        /// <summary>With <see cref="MemorySource.Patterns"/>: the patterns to store (all the same length).</summary>
        public float[][]? Patterns { get; set; }

        /// <summary>Rows whose largest attention weight is below this pass through unchanged; 0 (default) = always retrieve. In [0, 1).</summary>
        public float ConfidenceGate { get; set; }

        /// <summary>
        /// Leave a stored pattern out of the retrieval of a query identical to it (see <see cref="HopfieldDenoiseTransformer.ExcludeIdentical"/>):
        /// the training rows are then replaced by leave-one-out retrievals when the next stage is fitted.
        /// </summary>
        public bool ExcludeIdentical { get; set; }

        /// <summary>The seed for subsampling and k-means; <see langword="null"/> = the context's next seed.</summary>
        public int? Seed { get; set; }

        internal Options Clone() => (Options)MemberwiseClone();

        internal int PatternDimension(float[][] patterns) => patterns.Length > 0 && patterns[0] is { Length: > 0 } first ? first.Length : 0;

        internal void Validate()
        {
            if (!Enum.IsDefined(Source))
            {
                throw new ArgumentOutOfRangeException(nameof(Source), Source, "Unknown memory source.");
            }

            StageMemory.Validate(Similarity, Separation, Beta, TopK);
            ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 1, nameof(Steps));
            ArgumentOutOfRangeException.ThrowIfNegative(MaxPatterns, nameof(MaxPatterns));
            ArgumentOutOfRangeException.ThrowIfLessThan(PrototypesPerClass, 1, nameof(PrototypesPerClass));
            ArgumentException.ThrowIfNullOrEmpty(LabelColumnName, nameof(LabelColumnName));
            if (!(ConfidenceGate >= 0 && ConfidenceGate < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(ConfidenceGate), ConfidenceGate, "Must lie in [0, 1).");
            }

            if (Source == MemorySource.Patterns)
            {
                if (Patterns is null || Patterns.Length == 0)
                {
                    throw new ArgumentException("MemorySource.Patterns needs at least one pattern in Options.Patterns.", nameof(Patterns));
                }

                int d = PatternDimension(Patterns);
                for (int i = 0; i < Patterns.Length; i++)
                {
                    if (Patterns[i] is null || Patterns[i].Length != d || d == 0)
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                            $"Pattern {i} has {Patterns[i]?.Length ?? 0} values, expected {d} (the length of pattern 0, > 0)."), nameof(Patterns));
                    }

                    if (!TensorPrimitives.IsFiniteAll<float>(Patterns[i]))
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Pattern {i} holds a non-finite value."), nameof(Patterns));
                    }
                }
            }
        }
    }

    /// <summary>Default settings.</summary>
    public static class Defaults
    {
        /// <summary>Training rows.</summary>
        public const MemorySource Source = MemorySource.TrainingRows;

        /// <summary>Negative Euclidean distance (more robust than the dot product for unnormalised pixel vectors).</summary>
        public const SimilarityFunction Similarity = SimilarityFunction.NegativeEuclidean;

        /// <summary>Softmax.</summary>
        public const SeparationFunction Separation = SeparationFunction.Softmax;

        /// <summary>β = 2.</summary>
        public const float Beta = 2f;

        /// <summary>Top-k = 1.</summary>
        public const int TopK = 1;

        /// <summary>One step (Ramsauer et al.: one update usually converges).</summary>
        public const int Steps = 1;

        /// <summary>4 prototypes per class.</summary>
        public const int PrototypesPerClass = 4;

        /// <summary>"Label".</summary>
        public const string LabelColumnName = "Label";
    }
}
