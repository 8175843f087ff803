using System.Globalization;
using System.Numerics.Tensors;

namespace Hopfield.ML.Pipeline;

/// <summary>Scales every value: <c>y = (x − offset) × scale</c> (ML.NET's pixel extractor convention). Default maps bytes to [0, 1].</summary>
[PipelineStage("ScalePixels")]
public sealed class ScalePixelsTransformer : VectorTransformerBase, ILoadableStage<ScalePixelsTransformer>
{
    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column (default: the output column).</param>
    /// <param name="scale">The factor applied after the offset.</param>
    /// <param name="offset">The value subtracted first.</param>
    public ScalePixelsTransformer(string outputColumnName, string? inputColumnName = null, float scale = TransformsCatalog.Defaults.PixelScale, float offset = 0f)
        : base(outputColumnName, inputColumnName, 0)
    {
        if (!float.IsFinite(scale) || !float.IsFinite(offset))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), $"Scale ({scale}) and offset ({offset}) must be finite.");
        }

        Scale = scale;
        Offset = offset;
    }

    private ScalePixelsTransformer(ModelLoadContext context)
        : base(context)
    {
        Scale = context.GetSingle("scale");
        Offset = context.GetSingle("offset");
    }

    /// <summary>The scale factor.</summary>
    public float Scale { get; }

    /// <summary>The offset subtracted before scaling.</summary>
    public float Offset { get; }

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ScalePixelsTransformer Load(ModelLoadContext context) => new(context);

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        TensorPrimitives.Subtract(input, Offset, output);
        TensorPrimitives.Multiply(output, Scale, output);
    }

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("scale", Scale);
        context.SetParameter("offset", Offset);
    }
}

/// <summary>A per-feature affine map fitted by a normaliser: <c>y[j] = (x[j] − Shift[j]) × Scale[j]</c>.</summary>
[PipelineStage("Normalize")]
public sealed class NormalizingTransformer : VectorTransformerBase, ILoadableStage<NormalizingTransformer>
{
    private readonly float[] _shift;
    private readonly float[] _scale;

    internal NormalizingTransformer(string outputColumnName, string inputColumnName, float[] shift, float[] scale)
        : base(outputColumnName, inputColumnName, shift.Length)
    {
        _shift = shift;
        _scale = scale;
    }

    private NormalizingTransformer(ModelLoadContext context)
        : base(context)
    {
        _shift = context.GetTensor("shift", InputSize);
        _scale = context.GetTensor("scale", InputSize);
    }

    /// <summary>The per-feature shift.</summary>
    public ReadOnlySpan<float> Shift => _shift;

    /// <summary>The per-feature scale (0 for a constant feature, which maps to 0).</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static NormalizingTransformer Load(ModelLoadContext context) => new(context);

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        for (int r = 0; r < rowCount; r++)
        {
            var o = output.Slice(r * inputSize, inputSize);
            TensorPrimitives.Subtract(input.Slice(r * inputSize, inputSize), _shift, o);
            TensorPrimitives.Multiply(o, _scale, o);
        }
    }

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddTensor("shift", _shift);
        context.AddTensor("scale", _scale);
    }
}

/// <summary>Fits a <see cref="NormalizingTransformer"/> from per-feature minimum and maximum.</summary>
public sealed class NormalizeMinMaxEstimator : VectorEstimatorBase<NormalizingTransformer>
{
    internal NormalizeMinMaxEstimator(string outputColumnName, string? inputColumnName, bool fixZero)
        : base(outputColumnName, inputColumnName) => FixZero = fixZero;

    /// <summary>Whether 0 maps to 0 (scale by 1 / max |x|) instead of mapping [min, max] to [0, 1].</summary>
    public bool FixZero { get; }

    /// <inheritdoc />
    protected override NormalizingTransformer FitCore(DataColumn inputColumn, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(inputColumn);
        int d = inputColumn.VectorSize;
        var x = inputColumn.GetFloats();
        var min = x[..d].ToArray();
        var max = x[..d].ToArray();
        for (int r = 1; r < inputColumn.RowCount; r++)
        {
            var row = x.Slice(r * d, d);
            TensorPrimitives.Min(min, row, min);
            TensorPrimitives.Max(max, row, max);
        }

        var shift = new float[d];
        var scale = new float[d];
        for (int j = 0; j < d; j++)
        {
            float range = FixZero ? Math.Max(Math.Abs(min[j]), Math.Abs(max[j])) : max[j] - min[j];
            shift[j] = FixZero ? 0f : min[j];
            scale[j] = range > 0 && float.IsFinite(range) ? 1f / range : 0f;
        }

        return new NormalizingTransformer(OutputColumnName, InputColumnName, shift, scale);
    }
}

/// <summary>Fits a <see cref="NormalizingTransformer"/> from per-feature mean and (population) standard deviation.</summary>
public sealed class NormalizeMeanVarianceEstimator : VectorEstimatorBase<NormalizingTransformer>
{
    internal NormalizeMeanVarianceEstimator(string outputColumnName, string? inputColumnName, bool fixZero)
        : base(outputColumnName, inputColumnName) => FixZero = fixZero;

    /// <summary>Whether 0 maps to 0 (divide by the standard deviation only) instead of also subtracting the mean.</summary>
    public bool FixZero { get; }

    /// <inheritdoc />
    protected override NormalizingTransformer FitCore(DataColumn inputColumn, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(inputColumn);
        int d = inputColumn.VectorSize;
        int n = inputColumn.RowCount;
        var x = inputColumn.GetFloats();
        var sum = new double[d];
        var sq = new double[d];
        for (int r = 0; r < n; r++)
        {
            var row = x.Slice(r * d, d);
            for (int j = 0; j < d; j++)
            {
                sum[j] += row[j];
            }
        }

        for (int r = 0; r < n; r++)
        {
            var row = x.Slice(r * d, d);
            for (int j = 0; j < d; j++)
            {
                double c = row[j] - (sum[j] / n);
                sq[j] += c * c;
            }
        }

        var shift = new float[d];
        var scale = new float[d];
        for (int j = 0; j < d; j++)
        {
            double std = Math.Sqrt(sq[j] / n);
            shift[j] = FixZero ? 0f : (float)(sum[j] / n);
            scale[j] = std > 0 && double.IsFinite(std) ? (float)(1 / std) : 0f;
        }

        return new NormalizingTransformer(OutputColumnName, InputColumnName, shift, scale);
    }
}

/// <summary>Concatenates float scalar and vector columns into one vector column (ML.NET's <c>Concatenate</c>).</summary>
[PipelineStage("Concatenate")]
public sealed class ColumnConcatenatingTransformer : ITransformer, ILoadableStage<ColumnConcatenatingTransformer>
{
    private readonly string[] _inputs;

    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnNames">The input columns, in order (at least one).</param>
    public ColumnConcatenatingTransformer(string outputColumnName, params string[] inputColumnNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(inputColumnNames);
        if (inputColumnNames.Length == 0 || inputColumnNames.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Concatenate needs at least one non-empty input column name.", nameof(inputColumnNames));
        }

        OutputColumnName = outputColumnName;
        _inputs = [.. inputColumnNames];
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input columns.</summary>
    public IReadOnlyList<string> InputColumnNames => _inputs;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ColumnConcatenatingTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.GetString("outputColumnName"), context.GetStringArray("inputColumnNames"));
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        int size = _inputs.Sum(n => inputSchema.RequireFloats(n).VectorSize);
        return inputSchema.With(new SchemaColumn(OutputColumnName, ColumnKind.Vector, size));
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int size = GetOutputSchema(input.Schema)[OutputColumnName].VectorSize;
        var cols = _inputs.Select(input.GetColumn).ToArray();
        var output = new float[(long)input.RowCount * size];
        for (int r = 0; r < input.RowCount; r++)
        {
            int at = r * size;
            foreach (var c in cols)
            {
                c.GetVector(r).CopyTo(output.AsSpan(at));
                at += c.VectorSize;
            }
        }

        return input.WithColumn(DataColumn.CreateVector(OutputColumnName, output, size));
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("outputColumnName", OutputColumnName);
        context.SetParameter("inputColumnNames", _inputs);
    }
}

/// <summary>Copies a column of any kind under another name (ML.NET's <c>CopyColumns</c>).</summary>
[PipelineStage("CopyColumns")]
public sealed class ColumnCopyingTransformer : ITransformer, ILoadableStage<ColumnCopyingTransformer>
{
    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The new column.</param>
    /// <param name="inputColumnName">The column to copy.</param>
    public ColumnCopyingTransformer(string outputColumnName, string inputColumnName)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>The new column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The copied column.</summary>
    public string InputColumnName { get; }

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ColumnCopyingTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.GetString("outputColumnName"), context.GetString("inputColumnName"));
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return inputSchema.With(inputSchema.GetColumn(InputColumnName) with { Name = OutputColumnName });
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.WithColumn(input.GetColumn(InputColumnName).WithName(OutputColumnName));
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("outputColumnName", OutputColumnName);
        context.SetParameter("inputColumnName", InputColumnName);
    }
}

/// <summary>Maps text values to zero-based keys in order of first occurrence during Fit (ML.NET's <c>MapValueToKey</c>).</summary>
[PipelineStage("MapValueToKey")]
public sealed class ValueToKeyMappingTransformer : ITransformer, ILoadableStage<ValueToKeyMappingTransformer>
{
    private readonly string[] _values;
    private readonly Dictionary<string, int> _index;

    internal ValueToKeyMappingTransformer(string outputColumnName, string inputColumnName, string[] values)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _values = values;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < values.Length; i++)
        {
            if (!_index.TryAdd(values[i], i))
            {
                throw new ArgumentException($"Duplicate key value '{values[i]}'.", nameof(values));
            }
        }
    }

    /// <summary>The key column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column.</summary>
    public string InputColumnName { get; }

    /// <summary>The values; key <c>i</c> stands for <c>KeyValues[i]</c>.</summary>
    public IReadOnlyList<string> KeyValues => _values;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ValueToKeyMappingTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.GetString("outputColumnName"), context.GetString("inputColumnName"), context.GetStringArray("keyValues"));
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireKind(InputColumnName, ColumnKind.Text);
        return inputSchema.With(new SchemaColumn(OutputColumnName, ColumnKind.Key, 1, _values.Length));
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var texts = input.GetColumn(InputColumnName).GetTexts();
        var keys = new int[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            if (!_index.TryGetValue(texts[i], out keys[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Column '{InputColumnName}' row {i}: value '{texts[i]}' was not seen when the key mapping was fitted."), nameof(input));
            }
        }

        return input.WithColumn(DataColumn.CreateKey(OutputColumnName, keys, _values.Length));
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("outputColumnName", OutputColumnName);
        context.SetParameter("inputColumnName", InputColumnName);
        context.SetParameter("keyValues", _values);
    }
}

/// <summary>Fits a <see cref="ValueToKeyMappingTransformer"/>.</summary>
public sealed class ValueToKeyMappingEstimator : IEstimator<ValueToKeyMappingTransformer>
{
    internal ValueToKeyMappingEstimator(string outputColumnName, string? inputColumnName)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = string.IsNullOrEmpty(inputColumnName) ? outputColumnName : inputColumnName;
    }

    /// <summary>The key column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column.</summary>
    public string InputColumnName { get; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireKind(InputColumnName, ColumnKind.Text);
        return inputSchema.With(new SchemaColumn(OutputColumnName, ColumnKind.Key));
    }

    /// <inheritdoc />
    public ValueToKeyMappingTransformer Fit(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var values = new List<string>();
        foreach (var t in input.GetColumn(InputColumnName).GetTexts())
        {
            if (seen.Add(t))
            {
                values.Add(t);
            }
        }

        return new ValueToKeyMappingTransformer(OutputColumnName, InputColumnName, [.. values]);
    }
}

/// <summary>Column transforms (ML.NET's <c>TransformsCatalog</c>). Hopfield stages add extension methods on this catalog.</summary>
public sealed class TransformsCatalog
{
    internal TransformsCatalog(HopfieldContext context) => Context = context;

    /// <summary>The owning context (for seeds), available to extension methods that add stages.</summary>
    public HopfieldContext Context { get; }

    /// <summary>Scales values, <c>y = (x − offset) × scale</c>; the default maps 0–255 pixels to [0, 1].</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column (default: the output column).</param>
    /// <param name="scale">The factor.</param>
    /// <param name="offset">The value subtracted first.</param>
    /// <returns>The estimator.</returns>
    public TrivialEstimator<ScalePixelsTransformer> ScalePixels(string outputColumnName, string? inputColumnName = null, float scale = Defaults.PixelScale, float offset = 0f) =>
        new(new ScalePixelsTransformer(outputColumnName, inputColumnName, scale, offset));

    /// <summary>Normalises each feature by its fitted range.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column (default: the output column).</param>
    /// <param name="fixZero">Whether 0 maps to 0 (scale by 1/max|x|); otherwise [min, max] maps to [0, 1].</param>
    /// <returns>The estimator.</returns>
    public NormalizeMinMaxEstimator NormalizeMinMax(string outputColumnName, string? inputColumnName = null, bool fixZero = Defaults.FixZero) =>
        new(outputColumnName, inputColumnName, fixZero);

    /// <summary>Normalises each feature to unit variance (and zero mean unless <paramref name="fixZero"/>).</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column (default: the output column).</param>
    /// <param name="fixZero">Whether 0 maps to 0 (no mean subtraction).</param>
    /// <returns>The estimator.</returns>
    public NormalizeMeanVarianceEstimator NormalizeMeanVariance(string outputColumnName, string? inputColumnName = null, bool fixZero = Defaults.FixZero) =>
        new(outputColumnName, inputColumnName, fixZero);

    /// <summary>Concatenates float columns into one vector column.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnNames">The input columns.</param>
    /// <returns>The estimator.</returns>
    public TrivialEstimator<ColumnConcatenatingTransformer> Concatenate(string outputColumnName, params string[] inputColumnNames) =>
        new(new ColumnConcatenatingTransformer(outputColumnName, inputColumnNames));

    /// <summary>Copies a column under a new name.</summary>
    /// <param name="outputColumnName">The new column.</param>
    /// <param name="inputColumnName">The column to copy.</param>
    /// <returns>The estimator.</returns>
    public TrivialEstimator<ColumnCopyingTransformer> CopyColumns(string outputColumnName, string inputColumnName) =>
        new(new ColumnCopyingTransformer(outputColumnName, inputColumnName));

    /// <summary>Maps a text column to keys, in order of first occurrence.</summary>
    /// <param name="outputColumnName">The key column.</param>
    /// <param name="inputColumnName">The text column (default: the output column).</param>
    /// <returns>The estimator.</returns>
    public ValueToKeyMappingEstimator MapValueToKey(string outputColumnName, string? inputColumnName = null) =>
        new(outputColumnName, inputColumnName);

    /// <summary>Default argument values.</summary>
    public static class Defaults
    {
        /// <summary>The default pixel scale, 1/255.</summary>
        public const float PixelScale = 1f / 255f;

        /// <summary>Whether normalisers keep 0 at 0 by default.</summary>
        public const bool FixZero = true;
    }
}
