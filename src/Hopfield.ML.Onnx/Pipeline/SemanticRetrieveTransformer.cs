using System.Globalization;
using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Semantic;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Pipeline;

/// <summary>What a <see cref="SemanticRetrieveTransformer"/> writes into its output column.</summary>
public enum SemanticRetrieveOutput
{
    /// <summary>The retrieved original (a float vector of the input size): the nearest stored row with max separation, a separation-weighted mix otherwise.</summary>
    Original = 0,

    /// <summary>The index of the nearest stored row in embedding space (a key column with one key per stored row).</summary>
    Index = 1,

    /// <summary>The label of the nearest stored row (a key column with the label column's key count): a 1-nearest-neighbour classifier in φ space.</summary>
    Label = 2,

    /// <summary>
    /// The attention mass per class (a float vector of the label column's key count, summing to 1): each class receives the
    /// separation weights of the stored rows with that label, a soft k-nearest-neighbour vote in φ space whose neighbourhood
    /// width is set by β. Its largest entry is the predicted class.
    /// </summary>
    ClassScores = 3,
}

/// <summary>
/// Semantic retrieval as a pipeline stage: embeds each input row with an ONNX encoder φ and retrieves among the rows stored at
/// fit time by similarity in embedding space (<see cref="SemanticMemory"/>), writing the retrieved original, its index or its label.
/// Immutable and thread-safe; the encoder, the stored originals and their embeddings are saved in the model file.
/// </summary>
[PipelineStage("SemanticRetrieve", Version = 1)]
public sealed class SemanticRetrieveTransformer : ITransformer, ILoadableStage<SemanticRetrieveTransformer>
{
    private readonly ApplyOnnxModelTransformer _encoder;
    private readonly float[] _originals;
    private readonly float[] _embeddings;
    private readonly int[] _labels;
    private readonly SemanticMemory _memory;
    private readonly UniversalHopfieldMemory? _votes;

    internal SemanticRetrieveTransformer(
        string outputColumnName, string inputColumnName, ApplyOnnxModelTransformer encoder, float[] originals, float[] embeddings, int count,
        UniversalHopfieldOptions options, SemanticRetrieveOutput output, int[] labels, int labelKeyCount)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _encoder = encoder;
        _originals = originals;
        _embeddings = embeddings;
        _labels = labels;
        Output = output;
        LabelKeyCount = labelKeyCount;
        _memory = SemanticMemory.FromEmbeddings(new EncoderMap(encoder), embeddings, originals, count, options);
        if (output == SemanticRetrieveOutput.ClassScores)
        {
            // Same keys, one-hot label values: a retrieval returns the attention mass per class.
            var oneHot = new float[(long)count * labelKeyCount];
            for (int j = 0; j < count; j++)
            {
                oneHot[((long)j * labelKeyCount) + labels[j]] = 1f;
            }

            _votes = new UniversalHopfieldMemory(embeddings, count, oneHot, options);
        }
    }

    /// <summary>Gets the input column (the rows given to φ).</summary>
    public string InputColumnName { get; }

    /// <summary>Gets the output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Gets what the output column holds.</summary>
    public SemanticRetrieveOutput Output { get; }

    /// <summary>Gets the number of label keys (0 unless <see cref="Output"/> is <see cref="SemanticRetrieveOutput.Label"/> or <see cref="SemanticRetrieveOutput.ClassScores"/>).</summary>
    public int LabelKeyCount { get; }

    /// <summary>Gets the encoder stage φ.</summary>
    public ApplyOnnxModelTransformer Encoder => _encoder;

    /// <summary>Gets the memory (keys φ(stored rows), values the stored rows).</summary>
    public SemanticMemory Memory => _memory;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static SemanticRetrieveTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.LoadStage("phi") is not ApplyOnnxModelTransformer encoder)
        {
            throw context.Error("child 'phi' is not an ApplyOnnxModel stage");
        }

        int n = context.GetInt32("count");
        if (n < 1)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"invalid count {n}"));
        }

        var output = Parse<SemanticRetrieveOutput>(context, "output");
        var options = new UniversalHopfieldOptions
        {
            Similarity = Parse<SimilarityFunction>(context, "similarity"),
            Separation = Parse<SeparationFunction>(context, "separation"),
            Beta = context.GetSingle("beta"),
            TopK = context.GetInt32("topK"),
            Degree = context.GetInt32("degree"),
        };
        int labelKeys = context.GetInt32("labelKeyCount");
        int[] labels = UsesLabels(output) ? context.GetInt32Tensor("labels", n) : [];
        if (labels.Any(l => l < 0 || l >= labelKeys))
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"a stored label is outside 0..{labelKeys - 1}"));
        }

        try
        {
            return new SemanticRetrieveTransformer(
                context.GetString("outputColumnName"), context.GetString("inputColumnName"), encoder,
                context.GetTensor("originals", n, encoder.InputSize), context.GetTensor("embeddings", n, encoder.OutputSize), n, options, output, labels, labelKeys);
        }
        catch (ArgumentException ex)
        {
            throw context.Error(ex.Message);
        }
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireFloats(InputColumnName, _encoder.InputSize);
        return inputSchema.With(Output switch
        {
            SemanticRetrieveOutput.Original => new SchemaColumn(OutputColumnName, ColumnKind.Vector, _encoder.InputSize),
            SemanticRetrieveOutput.Index => new SchemaColumn(OutputColumnName, ColumnKind.Key, 1, _memory.Count),
            SemanticRetrieveOutput.ClassScores => new SchemaColumn(OutputColumnName, ColumnKind.Vector, LabelKeyCount),
            _ => new SchemaColumn(OutputColumnName, ColumnKind.Key, 1, LabelKeyCount),
        });
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var x = input.GetColumn(InputColumnName).GetFloats();
        int n = input.RowCount;
        if (Output == SemanticRetrieveOutput.Original)
        {
            var outputs = new float[(long)n * _encoder.InputSize];
            if (n > 0)
            {
                _memory.RetrieveBatch(x, n, outputs);
            }

            return input.WithColumn(DataColumn.CreateVector(OutputColumnName, outputs, _encoder.InputSize));
        }

        if (Output == SemanticRetrieveOutput.ClassScores)
        {
            var scores = new float[(long)n * LabelKeyCount];
            if (n > 0)
            {
                _votes!.RetrieveBatch(_memory.Embed(x, n), n, scores);
            }

            return input.WithColumn(DataColumn.CreateVector(OutputColumnName, scores, LabelKeyCount));
        }

        var nearest = new int[n];
        if (n > 0)
        {
            _memory.NearestBatch(x, n, nearest);
        }

        if (Output == SemanticRetrieveOutput.Index)
        {
            return input.WithColumn(DataColumn.CreateKey(OutputColumnName, nearest, _memory.Count));
        }

        for (int i = 0; i < n; i++)
        {
            nearest[i] = _labels[nearest[i]];
        }

        return input.WithColumn(DataColumn.CreateKey(OutputColumnName, nearest, LabelKeyCount));
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("outputColumnName", OutputColumnName);
        context.SetParameter("inputColumnName", InputColumnName);
        context.SetParameter("count", _memory.Count);
        context.SetParameter("output", Output.ToString());
        var o = _memory.Options;
        context.SetParameter("similarity", o.Similarity.ToString());
        context.SetParameter("separation", o.Separation.ToString());
        context.SetParameter("beta", o.Beta);
        context.SetParameter("topK", o.TopK);
        context.SetParameter("degree", o.Degree);
        context.SetParameter("labelKeyCount", LabelKeyCount);
        context.AddTensor("originals", _originals, _memory.Count, _encoder.InputSize);
        context.AddTensor("embeddings", _embeddings, _memory.Count, _encoder.OutputSize);
        if (UsesLabels(Output))
        {
            context.AddTensor("labels", _labels, _memory.Count);
        }

        context.SaveStage("phi", _encoder);
    }

    internal static bool UsesLabels(SemanticRetrieveOutput output) => output is SemanticRetrieveOutput.Label or SemanticRetrieveOutput.ClassScores;

    private static T Parse<T>(ModelLoadContext context, string name)
        where T : struct, Enum
    {
        string text = context.GetString(name);
        return Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw context.Error($"unknown {name} '{text}'");
    }

    /// <summary>φ as the stage computes it (including the optional L2 normalisation).</summary>
    private sealed class EncoderMap(ApplyOnnxModelTransformer encoder) : IFeatureMap
    {
        public int InputDimension => encoder.InputSize;

        public int OutputDimension => encoder.OutputSize;

        public void Map(ReadOnlySpan<float> inputs, int count, Span<float> outputs) => encoder.MapFeatures(inputs, count, outputs);
    }
}

/// <summary>Fits a <see cref="SemanticRetrieveTransformer"/>: stores the input rows (the first <c>maxStored</c>) and their φ embeddings.</summary>
public sealed class SemanticRetrieveEstimator : IEstimator<SemanticRetrieveTransformer>
{
    private readonly ApplyOnnxModelTransformer _encoder;
    private readonly UniversalHopfieldOptions _options;

    /// <summary>Creates the estimator.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column; null for the output column.</param>
    /// <param name="encoder">The encoder stage φ (its input size must be the input column's size).</param>
    /// <param name="options">Similarity and separation in embedding space; null for negative Manhattan with max separation.</param>
    /// <param name="output">What to write: the retrieved original, its index or its label.</param>
    /// <param name="labelColumnName">The key column with the labels of the stored rows (used with <see cref="SemanticRetrieveOutput.Label"/>).</param>
    /// <param name="maxStored">Store at most this many rows (the first ones); 0 for all.</param>
    public SemanticRetrieveEstimator(string outputColumnName, string? inputColumnName, ApplyOnnxModelTransformer encoder, UniversalHopfieldOptions? options = null,
        SemanticRetrieveOutput output = SemanticRetrieveOutput.Original, string labelColumnName = "Label", int maxStored = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentOutOfRangeException.ThrowIfNegative(maxStored);
        if (!Enum.IsDefined(output))
        {
            throw new ArgumentOutOfRangeException(nameof(output), output, "Unknown output kind.");
        }

        OutputColumnName = outputColumnName;
        InputColumnName = string.IsNullOrEmpty(inputColumnName) ? outputColumnName : inputColumnName;
        _encoder = encoder;
        _options = options ?? new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan, Separation = SeparationFunction.Max };
        Output = output;
        LabelColumnName = labelColumnName;
        MaxStored = maxStored;
    }

    /// <summary>Gets the output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Gets the input column.</summary>
    public string InputColumnName { get; }

    /// <summary>Gets what the output column holds.</summary>
    public SemanticRetrieveOutput Output { get; }

    /// <summary>Gets the label column (for <see cref="SemanticRetrieveOutput.Label"/> and <see cref="SemanticRetrieveOutput.ClassScores"/>).</summary>
    public string LabelColumnName { get; }

    /// <summary>Gets the maximum number of stored rows (0 = all).</summary>
    public int MaxStored { get; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireFloats(InputColumnName, _encoder.InputSize);
        if (SemanticRetrieveTransformer.UsesLabels(Output))
        {
            var label = inputSchema.RequireKind(LabelColumnName, ColumnKind.Key);
            return inputSchema.With(Output == SemanticRetrieveOutput.Label
                ? new SchemaColumn(OutputColumnName, ColumnKind.Key, 1, label.KeyCount)
                : new SchemaColumn(OutputColumnName, ColumnKind.Vector, label.KeyCount));
        }

        return inputSchema.With(Output == SemanticRetrieveOutput.Original
            ? new SchemaColumn(OutputColumnName, ColumnKind.Vector, _encoder.InputSize)
            : new SchemaColumn(OutputColumnName, ColumnKind.Key, 1, 0));
    }

    /// <inheritdoc />
    public SemanticRetrieveTransformer Fit(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        int n = MaxStored == 0 ? input.RowCount : Math.Min(MaxStored, input.RowCount);
        if (n < 1)
        {
            throw new ArgumentException("SemanticRetrieve needs at least one row to store; the data set is empty.", nameof(input));
        }

        int d = _encoder.InputSize;
        float[] originals = input.GetColumn(InputColumnName).GetFloats()[..(n * d)].ToArray();
        float[] embeddings = new float[(long)n * _encoder.OutputSize];
        _encoder.MapFeatures(originals, n, embeddings);
        int[] labels = [];
        int labelKeys = 0;
        if (SemanticRetrieveTransformer.UsesLabels(Output))
        {
            var column = input.GetColumn(LabelColumnName);
            labels = column.GetKeys()[..n].ToArray();
            labelKeys = Math.Max(column.Schema.KeyCount, labels.Length == 0 ? 0 : labels.Max() + 1);
        }

        return new SemanticRetrieveTransformer(OutputColumnName, InputColumnName, _encoder, originals, embeddings, n, _options, Output, labels, labelKeys);
    }
}
