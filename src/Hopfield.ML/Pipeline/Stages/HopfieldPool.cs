using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Hopfield.ML.Classification;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Pipeline.Stages;

/// <summary>How <see cref="HopfieldPoolTransformer"/> forms its query patterns.</summary>
public enum PoolingQuery
{
    /// <summary>One query: the mean of the bag's instances (a permutation-invariant summary that then looks itself up).</summary>
    BagMean = 0,

    /// <summary>S fixed seed queries fitted by k-means over all training instances (the HopfieldPooling layer's static queries); output S × d.</summary>
    Seeds = 1,
}

/// <summary>What a stored item in a <see cref="PoolingExplanation"/> is.</summary>
public enum AttendedKind
{
    /// <summary>An instance of the bag itself.</summary>
    Instance = 0,

    /// <summary>A stored prototype (e.g. a class prototype fitted on labelled bags).</summary>
    Prototype = 1,
}

/// <summary>One item a pooled row attended to.</summary>
/// <param name="Kind">Bag instance or stored prototype.</param>
/// <param name="Index">The instance's position in the bag, or the prototype's index.</param>
/// <param name="Label">The instance's name (when given) or the prototype's label.</param>
/// <param name="Weight">The attention weight (averaged over the queries); the weights of a row sum to 1.</param>
public sealed record AttendedItem(AttendedKind Kind, int Index, string Label, float Weight);

/// <summary>
/// Why a bag was pooled the way it was: the instances and stored prototypes the query attended to, with their labels and
/// weights, heaviest first, and the prototype label that received the most weight (the row's "conclusion").
/// </summary>
public sealed class PoolingExplanation
{
    internal PoolingExplanation(IReadOnlyList<AttendedItem> items, int instanceCount, int queryCount, float beta)
    {
        Items = items;
        InstanceCount = instanceCount;
        QueryCount = queryCount;
        Beta = beta;
        var byLabel = items.Where(i => i.Kind == AttendedKind.Prototype)
            .GroupBy(i => i.Label, StringComparer.Ordinal)
            .Select(g => (Label: g.Key, Weight: g.Sum(i => i.Weight)))
            .OrderByDescending(g => g.Weight)
            .ToArray();
        if (byLabel.Length > 0)
        {
            Conclusion = byLabel[0].Label;
            ConclusionWeight = byLabel[0].Weight;
        }
    }

    /// <summary>Every attended item, heaviest first.</summary>
    public IReadOnlyList<AttendedItem> Items { get; }

    /// <summary>The number of (non-padding) instances in the bag.</summary>
    public int InstanceCount { get; }

    /// <summary>The number of query patterns.</summary>
    public int QueryCount { get; }

    /// <summary>The inverse temperature used.</summary>
    public float Beta { get; }

    /// <summary>The prototype label with the most total weight, or <see langword="null"/> when no prototypes are stored.</summary>
    public string? Conclusion { get; }

    /// <summary>The total weight of <see cref="Conclusion"/>'s prototypes.</summary>
    public float ConclusionWeight { get; }

    /// <summary>The items with at least <paramref name="minWeight"/>.</summary>
    /// <param name="minWeight">The threshold.</param>
    /// <returns>The items, heaviest first.</returns>
    public IEnumerable<AttendedItem> Above(float minWeight) => Items.Where(i => i.Weight >= minWeight);

    /// <summary>A readable report: the bag, the items with weight ≥ 1 % (at most 10), and the conclusion.</summary>
    /// <returns>The report.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var instances = Items.Where(i => i.Kind == AttendedKind.Instance).OrderBy(i => i.Index).Select(i => i.Label).ToArray();
        sb.Append(CultureInfo.InvariantCulture, $"Pooled {InstanceCount} instance(s)");
        if (instances.Length > 0)
        {
            sb.Append(" (").Append(string.Join(", ", instances)).Append(')');
        }

        sb.Append(CultureInfo.InvariantCulture, $" with {QueryCount} query pattern(s), β = {Beta:0.###}; attended to:").AppendLine();
        int labelWidth = Math.Max(8, Items.Take(10).Select(i => i.Label.Length).DefaultIfEmpty(0).Max());
        foreach (var item in Items.Where(i => i.Weight >= 0.01f).Take(10))
        {
            sb.Append("  ").Append(item.Kind == AttendedKind.Instance ? "instance " : "prototype").Append("  ")
              .Append(item.Label.PadRight(labelWidth)).Append("  ")
              .Append(item.Weight.ToString("0.000", CultureInfo.InvariantCulture)).AppendLine();
        }

        if (Conclusion is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"→ {Conclusion} (weight {ConclusionWeight:0.000})");
        }
        else
        {
            sb.Append("→ (no stored prototypes)");
        }

        return sb.ToString();
    }
}

/// <summary>
/// Hopfield pooling of a bag of vectors (Ramsauer et al., HopfieldPooling). A row holds a bag of n instances of dimension d
/// (a vector column of n × d; all-zero instances are padding and ignored). The memory of a row is the bag's instances
/// together with the stored prototypes fitted on training data, keys = values; fixed queries (the bag mean, or S fitted
/// seed queries) retrieve from it: <c>output_s = softmax(β sim(q_s, K)) K</c>, concatenated over the S queries (S × d).
/// The attention weights say which instances and prototypes the pooled vector is made of (<see cref="Explain"/>).
/// Immutable and thread-safe.
/// </summary>
[PipelineStage("HopfieldPool", Version = 1)]
public sealed class HopfieldPoolTransformer : VectorTransformerBase, ILoadableStage<HopfieldPoolTransformer>
{
    private readonly float[] _prototypes;
    private readonly string[] _prototypeLabels;
    private readonly float[] _seeds;

    internal HopfieldPoolTransformer(string outputColumnName, string inputColumnName, int inputSize, int instanceDimension,
        float[] prototypes, string[] prototypeLabels, float[] seeds, PoolingQuery query, SimilarityFunction similarity, float beta, bool includeBag)
        : base(outputColumnName, inputColumnName, inputSize)
    {
        InstanceDimension = instanceDimension;
        _prototypes = prototypes;
        _prototypeLabels = prototypeLabels;
        _seeds = seeds;
        Query = query;
        Similarity = similarity;
        Beta = beta;
        IncludeBag = includeBag;
    }

    private HopfieldPoolTransformer(ModelLoadContext context)
        : base(context)
    {
        InstanceDimension = context.GetInt32("instanceDimension");
        Beta = context.GetSingle("beta");
        IncludeBag = context.GetBoolean("includeBag");
        if (InstanceDimension < 1 || InputSize % InstanceDimension != 0 || !float.IsFinite(Beta) || Beta <= 0)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"invalid instanceDimension {InstanceDimension} for input size {InputSize}, or beta {Beta}"));
        }

        if (!Enum.TryParse<SimilarityFunction>(context.GetString("similarity"), out var sim) || !Enum.IsDefined(sim)
            || !Enum.TryParse<PoolingQuery>(context.GetString("query"), out var q) || !Enum.IsDefined(q))
        {
            throw context.Error("unknown similarity or query mode");
        }

        Similarity = sim;
        Query = q;
        _prototypeLabels = context.GetStringArray("prototypeLabels");
        _prototypes = _prototypeLabels.Length == 0 ? [] : context.GetTensor("prototypes", _prototypeLabels.Length, InstanceDimension);
        _seeds = q == PoolingQuery.Seeds ? context.GetTensor("seeds", out var shape) : [];
        if (q == PoolingQuery.Seeds && (_seeds.Length == 0 || _seeds.Length % InstanceDimension != 0))
        {
            throw context.Error("tensor 'seeds' must have shape [S ≥ 1, instanceDimension]");
        }

        if (!IncludeBag && _prototypeLabels.Length == 0)
        {
            throw context.Error("neither the bag nor prototypes are stored");
        }
    }

    /// <summary>The instance dimension d.</summary>
    public int InstanceDimension { get; }

    /// <summary>The number of instance slots per row (input size / d).</summary>
    public int MaxInstances => InputSize / InstanceDimension;

    /// <summary>How queries are formed.</summary>
    public PoolingQuery Query { get; }

    /// <summary>The number of query patterns S (1 for the bag mean).</summary>
    public int QueryCount => Query == PoolingQuery.BagMean ? 1 : _seeds.Length / InstanceDimension;

    /// <summary>The similarity function.</summary>
    public SimilarityFunction Similarity { get; }

    /// <summary>The inverse temperature β.</summary>
    public float Beta { get; }

    /// <summary>Whether the bag's own instances are part of the memory (otherwise only the prototypes).</summary>
    public bool IncludeBag { get; }

    /// <summary>The stored prototypes, row-major <c>count × d</c>.</summary>
    public ReadOnlySpan<float> Prototypes => _prototypes;

    /// <summary>The label of each stored prototype.</summary>
    public IReadOnlyList<string> PrototypeLabels => _prototypeLabels;

    /// <summary>With <see cref="PoolingQuery.Seeds"/>: the fitted query seeds, row-major <c>QueryCount × InstanceDimension</c>; otherwise empty.</summary>
    public ReadOnlySpan<float> QuerySeeds => _seeds;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static HopfieldPoolTransformer Load(ModelLoadContext context) => new(context);

    /// <inheritdoc />
    protected override int GetOutputSize(int inputSize) => QueryCount * InstanceDimension;

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        int outSize = QueryCount * InstanceDimension;
        for (int r = 0; r < rowCount; r++)
        {
            Pool(input.Slice(r * inputSize, inputSize), output.Slice(r * outSize, outSize), null, out _);
        }
    }

    /// <summary>Pools one bag and says what it attended to.</summary>
    /// <param name="bag">The bag: <see cref="MaxInstances"/> × d values (all-zero instances are padding).</param>
    /// <param name="instanceNames">Optional names of the bag's instances, in slot order (padding slots included or not: names are matched to the non-padding instances in order).</param>
    /// <returns>The explanation.</returns>
    public PoolingExplanation Explain(ReadOnlySpan<float> bag, IReadOnlyList<string>? instanceNames = null)
    {
        if (bag.Length != InputSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The bag has {bag.Length} values, expected {InputSize} ({MaxInstances} instances × {InstanceDimension})."), nameof(bag));
        }

        var output = new float[QueryCount * InstanceDimension];
        var weights = new List<float>();
        Pool(bag, output, weights, out var slots);
        if (instanceNames is not null && instanceNames.Count != slots.Count && instanceNames.Count != MaxInstances)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{instanceNames.Count} instance names for {slots.Count} instances ({MaxInstances} slots)."), nameof(instanceNames));
        }

        int memory = weights.Count / QueryCount;
        var items = new List<AttendedItem>(memory);
        for (int m = 0; m < memory; m++)
        {
            float w = 0;
            for (int q = 0; q < QueryCount; q++)
            {
                w += weights[(q * memory) + m];
            }

            w /= QueryCount;
            int bagCount = IncludeBag ? slots.Count : 0;
            if (m < bagCount)
            {
                int slot = slots[m];
                string name = instanceNames is null ? "#" + slot.ToString(CultureInfo.InvariantCulture)
                    : instanceNames.Count == slots.Count ? instanceNames[m] : instanceNames[slot];
                items.Add(new AttendedItem(AttendedKind.Instance, slot, name, w));
            }
            else
            {
                int p = m - bagCount;
                items.Add(new AttendedItem(AttendedKind.Prototype, p, _prototypeLabels[p], w));
            }
        }

        items.Sort((a, b) => b.Weight.CompareTo(a.Weight));
        return new PoolingExplanation(items, slots.Count, QueryCount, Beta);
    }

    private void Pool(ReadOnlySpan<float> bag, Span<float> output, List<float>? weights, out List<int> slots)
    {
        int d = InstanceDimension;
        slots = [];
        for (int i = 0; i < MaxInstances; i++)
        {
            if (TensorPrimitives.MaxMagnitude(bag.Slice(i * d, d)) != 0f)
            {
                slots.Add(i);
            }
        }

        int bagCount = IncludeBag ? slots.Count : 0;
        int protoCount = _prototypeLabels.Length;
        int memory = bagCount + protoCount;
        if (memory == 0)
        {
            output.Clear(); // an empty bag and no prototypes: nothing to attend to
            return;
        }

        var keys = new float[memory * d];
        for (int m = 0; m < bagCount; m++)
        {
            bag.Slice(slots[m] * d, d).CopyTo(keys.AsSpan(m * d, d));
        }

        _prototypes.CopyTo(keys.AsSpan(bagCount * d));
        var query = new float[d];
        var scores = new float[memory];
        for (int q = 0; q < QueryCount; q++)
        {
            if (Query == PoolingQuery.BagMean)
            {
                Array.Clear(query);
                foreach (int s in slots)
                {
                    TensorPrimitives.Add(query, bag.Slice(s * d, d), query);
                }

                if (slots.Count > 0)
                {
                    TensorPrimitives.Divide(query, slots.Count, query);
                }
            }
            else
            {
                _seeds.AsSpan(q * d, d).CopyTo(query);
            }

            for (int m = 0; m < memory; m++)
            {
                scores[m] = Score(query, keys.AsSpan(m * d, d));
            }

            TensorPrimitives.Multiply(scores, Beta, scores);
            TensorPrimitives.SoftMax(scores, scores);
            var o = output.Slice(q * d, d);
            o.Clear();
            for (int m = 0; m < memory; m++)
            {
                TensorPrimitives.MultiplyAdd(keys.AsSpan(m * d, d), scores[m], o, o);
            }

            weights?.AddRange(scores);
        }
    }

    private float Score(ReadOnlySpan<float> q, ReadOnlySpan<float> k) => Similarity switch
    {
        SimilarityFunction.Dot => TensorPrimitives.Dot(q, k),
        SimilarityFunction.Cosine => CosineOrZero(q, k),
        SimilarityFunction.NegativeEuclidean => -TensorPrimitives.Distance(q, k),
        _ => -Manhattan(q, k),
    };

    private static float CosineOrZero(ReadOnlySpan<float> q, ReadOnlySpan<float> k)
    {
        float nq = TensorPrimitives.Norm(q), nk = TensorPrimitives.Norm(k);
        return nq == 0 || nk == 0 ? 0f : TensorPrimitives.Dot(q, k) / (nq * nk);
    }

    private static float Manhattan(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += MathF.Abs(a[i] - b[i]);
        }

        return s;
    }

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("instanceDimension", InstanceDimension);
        context.SetParameter("similarity", Similarity.ToString());
        context.SetParameter("query", Query.ToString());
        context.SetParameter("beta", Beta);
        context.SetParameter("includeBag", IncludeBag);
        context.SetParameter("prototypeLabels", _prototypeLabels);
        if (_prototypeLabels.Length > 0)
        {
            context.AddTensor("prototypes", _prototypes, _prototypeLabels.Length, InstanceDimension);
        }

        if (Query == PoolingQuery.Seeds)
        {
            context.AddTensor("seeds", _seeds, QueryCount, InstanceDimension);
        }
    }
}

/// <summary>
/// Learns a <see cref="HopfieldPoolTransformer"/>: per-class prototypes from labelled bags (k-means on the bag means of
/// each class; the label column is a bag-level key), or given prototypes, and for <see cref="PoolingQuery.Seeds"/> the
/// seed queries (k-means over all training instances).
/// </summary>
public sealed class HopfieldPoolEstimator : VectorEstimatorBase<HopfieldPoolTransformer>
{
    private readonly Options _options;
    private readonly int _seed;

    internal HopfieldPoolEstimator(string outputColumnName, string? inputColumnName, Options options, int seed)
        : base(outputColumnName, inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _seed = options.Seed ?? seed;
    }

    /// <summary>A copy of the settings.</summary>
    public Options EstimatorOptions => _options.Clone();

    /// <inheritdoc />
    protected override int GetOutputSize(int inputSize) => (_options.Query == PoolingQuery.Seeds ? _options.SeedCount : 1) * _options.InstanceDimension;

    /// <inheritdoc />
    protected override void CheckOtherColumns(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var c = inputSchema[InputColumnName];
        if (c.VectorSize != 0 && c.VectorSize % _options.InstanceDimension != 0)
        {
            throw new SchemaMismatchException(InputColumnName, string.Create(CultureInfo.InvariantCulture,
                $"Column '{InputColumnName}' has vector size {c.VectorSize}, which is not a multiple of the instance dimension {_options.InstanceDimension}."));
        }

        if (_options.Prototypes is null && _options.LabelColumnName is not null)
        {
            inputSchema.RequireKind(_options.LabelColumnName, ColumnKind.Key);
        }
    }

    /// <inheritdoc />
    protected override HopfieldPoolTransformer FitCore(DataColumn inputColumn, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(inputColumn);
        ArgumentNullException.ThrowIfNull(data);
        int d = _options.InstanceDimension;
        int slots = inputColumn.VectorSize / d;
        var bags = inputColumn.GetFloats();
        float[] prototypes;
        string[] labels;
        if (_options.Prototypes is not null)
        {
            prototypes = new float[_options.Prototypes.Length * d];
            for (int i = 0; i < _options.Prototypes.Length; i++)
            {
                _options.Prototypes[i].CopyTo(prototypes, i * d);
            }

            labels = [.. _options.PrototypeLabels!];
        }
        else if (_options.LabelColumnName is not null)
        {
            var labelColumn = data.GetColumn(_options.LabelColumnName);
            int classCount = Math.Max(1, labelColumn.Schema.KeyCount);
            var means = new float[data.RowCount * d];
            for (int r = 0; r < data.RowCount; r++)
            {
                BagMean(bags.Slice(r * slots * d, slots * d), d, means.AsSpan(r * d, d));
            }

            var p = Classification.Prototypes.PerClass(means, d, labelColumn.GetKeys(), classCount, _options.PrototypesPerClass, _seed);
            prototypes = p.Vectors;
            labels = p.Labels.Select(l => _options.ClassNames is { } names && l < names.Count ? names[l] : "class " + l.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        else
        {
            prototypes = [];
            labels = [];
        }

        float[] seeds = [];
        if (_options.Query == PoolingQuery.Seeds)
        {
            var instances = new List<float>();
            for (int i = 0; i < data.RowCount * slots; i++)
            {
                var v = bags.Slice(i * d, d);
                if (TensorPrimitives.MaxMagnitude(v) != 0f)
                {
                    instances.AddRange(v);
                }
            }

            int n = instances.Count / d;
            if (n < _options.SeedCount)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Column '{InputColumnName}' holds {n} non-padding instances, fewer than the {_options.SeedCount} seed queries."), nameof(data));
            }

            seeds = Classification.Prototypes.KMeans(instances.ToArray(), d, _options.SeedCount, _seed).Centroids;
        }

        return new HopfieldPoolTransformer(OutputColumnName, InputColumnName, inputColumn.VectorSize, d, prototypes, labels, seeds,
            _options.Query, _options.Similarity, _options.Beta, _options.IncludeBag || labels.Length == 0);
    }

    private static void BagMean(ReadOnlySpan<float> bag, int d, Span<float> mean)
    {
        int count = 0;
        for (int i = 0; i < bag.Length / d; i++)
        {
            var v = bag.Slice(i * d, d);
            if (TensorPrimitives.MaxMagnitude(v) != 0f)
            {
                TensorPrimitives.Add(mean, v, mean);
                count++;
            }
        }

        if (count > 0)
        {
            TensorPrimitives.Divide(mean, count, mean);
        }
    }

    /// <summary>Settings of <see cref="HopfieldPoolEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The instance dimension d (the bag column holds n × d values).</summary>
        public int InstanceDimension { get; set; }

        /// <summary>How queries are formed.</summary>
        public PoolingQuery Query { get; set; } = Defaults.Query;

        /// <summary>The number of seed queries with <see cref="PoolingQuery.Seeds"/>.</summary>
        public int SeedCount { get; set; } = Defaults.SeedCount;

        /// <summary>The similarity function.</summary>
        public SimilarityFunction Similarity { get; set; } = Defaults.Similarity;

        /// <summary>Inverse temperature β.</summary>
        public float Beta { get; set; } = Defaults.Beta;

        /// <summary>Whether the bag's instances are in the memory besides the prototypes (forced on when there are no prototypes).</summary>
        public bool IncludeBag { get; set; } = true;

        /// <summary>The bag-level key label column for per-class prototypes; <see langword="null"/> = no fitted prototypes.</summary>
        public string? LabelColumnName { get; set; } = Defaults.LabelColumnName;

        /// <summary>Names of the classes (index = key value) used as prototype labels.</summary>
        public IReadOnlyList<string>? ClassNames { get; set; }

        /// <summary>Prototypes per class.</summary>
        public int PrototypesPerClass { get; set; } = 1;

        /// <summary>Given prototypes (each of length d) instead of fitted ones; needs <see cref="PrototypeLabels"/>.</summary>
        public float[][]? Prototypes { get; set; }

        /// <summary>The labels of <see cref="Prototypes"/>.</summary>
        public IReadOnlyList<string>? PrototypeLabels { get; set; }

        /// <summary>The seed for k-means; <see langword="null"/> = the context's next seed.</summary>
        public int? Seed { get; set; }

        internal Options Clone() => (Options)MemberwiseClone();

        internal void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(InstanceDimension, 1, nameof(InstanceDimension));
            if (!Enum.IsDefined(Query))
            {
                throw new ArgumentOutOfRangeException(nameof(Query), Query, "Unknown query mode.");
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(SeedCount, 1, nameof(SeedCount));
            StageMemory.Validate(Similarity, SeparationFunction.Softmax, Beta, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(PrototypesPerClass, 1, nameof(PrototypesPerClass));
            if (Prototypes is not null)
            {
                if (PrototypeLabels is null || PrototypeLabels.Count != Prototypes.Length)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{Prototypes.Length} prototypes need as many labels, got {PrototypeLabels?.Count ?? 0}."), nameof(PrototypeLabels));
                }

                for (int i = 0; i < Prototypes.Length; i++)
                {
                    if (Prototypes[i] is null || Prototypes[i].Length != InstanceDimension || !TensorPrimitives.IsFiniteAll<float>(Prototypes[i]))
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                            $"Prototype {i} must have {InstanceDimension} finite values, has {Prototypes[i]?.Length ?? 0}."), nameof(Prototypes));
                    }
                }
            }
        }
    }

    /// <summary>Default settings.</summary>
    public static class Defaults
    {
        /// <summary>The bag mean as query.</summary>
        public const PoolingQuery Query = PoolingQuery.BagMean;

        /// <summary>4 seed queries.</summary>
        public const int SeedCount = 4;

        /// <summary>Cosine similarity (insensitive to the instances' norms).</summary>
        public const SimilarityFunction Similarity = SimilarityFunction.Cosine;

        /// <summary>β = 8 (on cosine similarities in [−1, 1]).</summary>
        public const float Beta = 8f;

        /// <summary>"Label".</summary>
        public const string LabelColumnName = "Label";
    }
}
