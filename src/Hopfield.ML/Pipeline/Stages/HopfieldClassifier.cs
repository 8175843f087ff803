using System.Globalization;
using System.Numerics.Tensors;
using Hopfield.ML.Classification;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Pipeline.Stages;

/// <summary>
/// A fitted Hopfield classifier: a hetero-associative memory from feature vectors (keys: training rows or per-class
/// prototypes) to one-hot labels (values). The retrieved value is the class-probability vector written to the score
/// column (normalised to sum 1), its argmax to the predicted-label column — the same columns as
/// <see cref="MulticlassPredictionTransformer"/>, so <see cref="ClassifiersCatalog.Evaluate"/> works on the output.
/// Immutable and thread-safe.
/// </summary>
[PipelineStage("HopfieldClassifier", Version = 1)]
public sealed class HopfieldClassifierTransformer : ITransformer, ILoadableStage<HopfieldClassifierTransformer>
{
    private const int BlockRows = 256;
    private readonly float[] _keys;
    private readonly int[] _labels;
    private readonly UniversalHopfieldMemory _memory;

    internal HopfieldClassifierTransformer(string featureColumnName, string scoreColumnName, string predictedLabelColumnName,
        int classCount, int featureCount, float[] keys, int[] labels, UniversalHopfieldOptions options)
    {
        FeatureColumnName = featureColumnName;
        ScoreColumnName = scoreColumnName;
        PredictedLabelColumnName = predictedLabelColumnName;
        ClassCount = classCount;
        FeatureCount = featureCount;
        _keys = keys;
        _labels = labels;
        _memory = new UniversalHopfieldMemory(keys, labels.Length, OneHot(labels, classCount), options);
    }

    /// <summary>The feature column.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The score column written (class probabilities).</summary>
    public string ScoreColumnName { get; }

    /// <summary>The predicted-label key column written.</summary>
    public string PredictedLabelColumnName { get; }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The feature vector size.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of stored keys.</summary>
    public int KeyCount => _labels.Length;

    /// <summary>The class of each stored key.</summary>
    public IReadOnlyList<int> KeyLabels => _labels;

    /// <summary>The stored inputs, row-major <c>KeyCount × FeatureCount</c> (labels in <see cref="KeyLabels"/>).</summary>
    public ReadOnlySpan<float> Keys => _keys;

    /// <summary>The memory settings.</summary>
    public UniversalHopfieldOptions MemoryOptions => _memory.Options;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static HopfieldClassifierTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = StageMemory.Load(context);
        int k = context.GetInt32("classCount");
        int d = context.GetInt32("featureCount");
        if (k < 1 || d < 1)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"invalid classCount {k} or featureCount {d}"));
        }

        var keys = context.GetTensor("keys", out var shape);
        if (shape.Length != 2 || shape[0] < 1 || shape[1] != d)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"tensor 'keys' must have shape [count ≥ 1, {d}]"));
        }

        var labels = context.GetInt32Tensor("labels", shape[0]);
        if (labels.Any(l => l < 0 || l >= k))
        {
            throw context.Error("tensor 'labels' holds a class outside [0, classCount)");
        }

        return new HopfieldClassifierTransformer(context.GetString("featureColumnName"), context.GetString("scoreColumnName"),
            context.GetString("predictedLabelColumnName"), k, d, keys, labels, options);
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireFloats(FeatureColumnName, FeatureCount);
        return MulticlassPredictionTransformer.OutputSchema(inputSchema, ScoreColumnName, PredictedLabelColumnName, ClassCount);
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var features = input.GetColumn(FeatureColumnName).FloatArray;
        int n = input.RowCount, k = ClassCount, d = FeatureCount;
        var scores = new float[(long)n * k];
        var predicted = new int[n];
        if (n > 0)
        {
            StageMemory.ForBlocks(n, BlockRows, (start, len) =>
            {
                var s = scores.AsSpan(start * k, len * k);
                _memory.RetrieveBatch(features.AsSpan(start * d, len * d), len, s);
                for (int r = 0; r < len; r++)
                {
                    var row = s.Slice(r * k, k);
                    float sum = TensorPrimitives.Sum(row);
                    if (sum > 0)
                    {
                        TensorPrimitives.Divide(row, sum, row);
                    }

                    predicted[start + r] = TensorPrimitives.IndexOfMax(row);
                }
            });
        }

        return input.WithColumn(DataColumn.CreateVector(ScoreColumnName, scores, k))
            .WithColumn(DataColumn.CreateKey(PredictedLabelColumnName, predicted, k));
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("featureColumnName", FeatureColumnName);
        context.SetParameter("scoreColumnName", ScoreColumnName);
        context.SetParameter("predictedLabelColumnName", PredictedLabelColumnName);
        context.SetParameter("classCount", ClassCount);
        context.SetParameter("featureCount", FeatureCount);
        StageMemory.Save(context, _memory.Options);
        context.AddTensor("keys", _keys, KeyCount, FeatureCount);
        context.AddTensor("labels", _labels, KeyCount);
    }

    private static float[] OneHot(int[] labels, int k)
    {
        var v = new float[labels.Length * k];
        for (int i = 0; i < labels.Length; i++)
        {
            v[(i * k) + labels[i]] = 1f;
        }

        return v;
    }
}

/// <summary>
/// Trains a <see cref="HopfieldClassifierTransformer"/>: stores training rows (or per-class prototypes) as keys and
/// their one-hot labels as values. Nothing is optimised; "training" is storing (plus k-means for prototypes).
/// </summary>
public sealed class HopfieldClassifierTrainer : IEstimator<HopfieldClassifierTransformer>
{
    private readonly Options _options;
    private readonly int _seed;

    internal HopfieldClassifierTrainer(Options options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _seed = options.Seed ?? seed;
    }

    /// <summary>A copy of the settings.</summary>
    public Options TrainerOptions => _options.Clone();

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireFloats(_options.FeatureColumnName);
        var label = inputSchema.RequireKind(_options.LabelColumnName, ColumnKind.Key);
        return MulticlassPredictionTransformer.OutputSchema(inputSchema, _options.ScoreColumnName, _options.PredictedLabelColumnName, label.KeyCount);
    }

    /// <inheritdoc />
    public HopfieldClassifierTransformer Fit(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        if (input.RowCount == 0)
        {
            throw new ArgumentException("HopfieldClassifierTrainer: cannot fit on an empty data set.", nameof(input));
        }

        var features = input.GetColumn(_options.FeatureColumnName);
        var labelColumn = input.GetColumn(_options.LabelColumnName);
        int d = features.VectorSize;
        int k = Math.Max(labelColumn.Schema.KeyCount, 1);
        if (_options.Source == MemorySource.Patterns)
        {
            throw new ArgumentException("The Hopfield classifier stores training rows or prototypes; MemorySource.Patterns is not supported.", nameof(input));
        }

        var (keys, labels) = StageMemory.Select(features.GetFloats(), d, labelColumn.GetKeys().ToArray(), k, _options.Source, _options.MaxPatterns, _options.PrototypesPerClass, _seed);
        var memoryOptions = StageMemory.Options(_options.Similarity, _options.Separation, _options.Beta, Math.Min(_options.TopK, labels.Length));
        return new HopfieldClassifierTransformer(_options.FeatureColumnName, _options.ScoreColumnName, _options.PredictedLabelColumnName, k, d, keys, labels, memoryOptions);
    }

    /// <summary>Settings of <see cref="HopfieldClassifierTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>The key label column.</summary>
        public string LabelColumnName { get; set; } = SoftmaxRegressionTrainer.Defaults.LabelColumnName;

        /// <summary>The float feature column.</summary>
        public string FeatureColumnName { get; set; } = SoftmaxRegressionTrainer.Defaults.FeatureColumnName;

        /// <summary>The score column written.</summary>
        public string ScoreColumnName { get; set; } = SoftmaxRegressionTrainer.Defaults.ScoreColumnName;

        /// <summary>The predicted-label column written.</summary>
        public string PredictedLabelColumnName { get; set; } = SoftmaxRegressionTrainer.Defaults.PredictedLabelColumnName;

        /// <summary>Training rows (default) or per-class prototypes as keys.</summary>
        public MemorySource Source { get; set; } = MemorySource.TrainingRows;

        /// <summary>The similarity between a query and the keys.</summary>
        public SimilarityFunction Similarity { get; set; } = Defaults.Similarity;

        /// <summary>The separation function.</summary>
        public SeparationFunction Separation { get; set; } = Defaults.Separation;

        /// <summary>Inverse temperature β.</summary>
        public float Beta { get; set; } = Defaults.Beta;

        /// <summary>k of <see cref="SeparationFunction.TopKSoftmax"/> (capped at the number of keys).</summary>
        public int TopK { get; set; } = Defaults.TopK;

        /// <summary>With training rows: store at most this many (seeded subsample); 0 = all.</summary>
        public int MaxPatterns { get; set; }

        /// <summary>With prototypes: prototypes per class.</summary>
        public int PrototypesPerClass { get; set; } = Defaults.PrototypesPerClass;

        /// <summary>The seed; <see langword="null"/> = the context's next seed.</summary>
        public int? Seed { get; set; }

        internal Options Clone() => (Options)MemberwiseClone();

        internal void Validate()
        {
            ArgumentException.ThrowIfNullOrEmpty(LabelColumnName, nameof(LabelColumnName));
            ArgumentException.ThrowIfNullOrEmpty(FeatureColumnName, nameof(FeatureColumnName));
            ArgumentException.ThrowIfNullOrEmpty(ScoreColumnName, nameof(ScoreColumnName));
            ArgumentException.ThrowIfNullOrEmpty(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
            if (Source == MemorySource.Patterns || !Enum.IsDefined(Source))
            {
                throw new ArgumentOutOfRangeException(nameof(Source), Source, "Use TrainingRows or Prototypes.");
            }

            StageMemory.Validate(Similarity, Separation, Beta, TopK);
            ArgumentOutOfRangeException.ThrowIfNegative(MaxPatterns, nameof(MaxPatterns));
            ArgumentOutOfRangeException.ThrowIfLessThan(PrototypesPerClass, 1, nameof(PrototypesPerClass));
        }
    }

    /// <summary>Default settings.</summary>
    public static class Defaults
    {
        /// <summary>Negative Euclidean distance.</summary>
        public const SimilarityFunction Similarity = SimilarityFunction.NegativeEuclidean;

        /// <summary>Top-k softmax (a soft k-nearest-neighbour vote).</summary>
        public const SeparationFunction Separation = SeparationFunction.TopKSoftmax;

        /// <summary>β = 1.</summary>
        public const float Beta = 1f;

        /// <summary>k = 10.</summary>
        public const int TopK = 10;

        /// <summary>4 prototypes per class.</summary>
        public const int PrototypesPerClass = 4;
    }
}
