using System.Globalization;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// Base of a fitted stage that maps one float column (vector, or scalar as size 1) to one float vector column,
/// a batch of rows at a time. A new stage derives from this, implements <see cref="MapRows"/> and <see cref="SaveCore"/>,
/// adds a <see cref="PipelineStageAttribute"/> and a static <c>Load</c> (<see cref="ILoadableStage{TSelf}"/>) that calls the
/// <see cref="VectorTransformerBase(ModelLoadContext)"/> constructor. Column checks, schema propagation and the column
/// parameters in the model file are handled here.
/// </summary>
public abstract class VectorTransformerBase : ITransformer
{
    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column; <see langword="null"/> means the output column (in-place).</param>
    /// <param name="inputSize">The input vector size the stage was fitted on, or 0 for any size.</param>
    protected VectorTransformerBase(string outputColumnName, string? inputColumnName, int inputSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentOutOfRangeException.ThrowIfNegative(inputSize);
        OutputColumnName = outputColumnName;
        InputColumnName = string.IsNullOrEmpty(inputColumnName) ? outputColumnName : inputColumnName;
        InputSize = inputSize;
    }

    /// <summary>Restores the column parameters written by <see cref="Save"/>.</summary>
    /// <param name="context">The stage's load context.</param>
    protected VectorTransformerBase(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OutputColumnName = context.GetString("outputColumnName");
        InputColumnName = context.GetString("inputColumnName");
        InputSize = context.GetInt32("inputSize");
        if (string.IsNullOrEmpty(OutputColumnName) || string.IsNullOrEmpty(InputColumnName) || InputSize < 0)
        {
            throw context.Error("invalid column parameters");
        }
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input column.</summary>
    public string InputColumnName { get; }

    /// <summary>The input vector size the stage accepts (0 = any).</summary>
    public int InputSize { get; }

    /// <summary>The output vector size for a given input size. Default: the same size.</summary>
    /// <param name="inputSize">The input vector size.</param>
    /// <returns>The output vector size.</returns>
    protected virtual int GetOutputSize(int inputSize) => inputSize;

    /// <summary>
    /// Maps <paramref name="rowCount"/> rows. Must not mutate shared state (it may run on many threads at once).
    /// </summary>
    /// <param name="input">Row-major input, <c>rowCount × inputSize</c>.</param>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="inputSize">Floats per input row.</param>
    /// <param name="output">Row-major output, <c>rowCount × GetOutputSize(inputSize)</c>, zero-initialised.</param>
    protected abstract void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output);

    /// <summary>Writes the stage's own parameters and tensors (the column names are written by <see cref="Save"/>).</summary>
    /// <param name="context">The stage's save context.</param>
    protected abstract void SaveCore(ModelSaveContext context);

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var c = inputSchema.RequireFloats(InputColumnName, InputSize);
        int outSize = GetOutputSize(c.VectorSize);
        var kind = c.Kind == ColumnKind.Scalar && outSize == 1 ? ColumnKind.Scalar : ColumnKind.Vector;
        return inputSchema.With(new SchemaColumn(OutputColumnName, kind, outSize));
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var schema = GetOutputSchema(input.Schema);
        var col = input.GetColumn(InputColumnName);
        var outCol = schema[OutputColumnName];
        var output = new float[(long)input.RowCount * outCol.VectorSize];
        if (input.RowCount > 0)
        {
            MapRows(col.GetFloats(), input.RowCount, col.VectorSize, output);
        }

        return input.WithColumn(outCol.Kind == ColumnKind.Scalar
            ? DataColumn.CreateScalar(OutputColumnName, output)
            : DataColumn.CreateVector(OutputColumnName, output, outCol.VectorSize));
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("outputColumnName", OutputColumnName);
        context.SetParameter("inputColumnName", InputColumnName);
        context.SetParameter("inputSize", InputSize);
        SaveCore(context);
    }
}

/// <summary>
/// Base of an estimator that reads one float column (vector, or scalar as size 1) and produces one float vector column.
/// Validates the input column (existence, kind, <see cref="ExpectedInputSize"/>) before calling <see cref="FitCore"/>.
/// </summary>
/// <typeparam name="TTransformer">The fitted stage.</typeparam>
public abstract class VectorEstimatorBase<TTransformer> : IEstimator<TTransformer>
    where TTransformer : class, ITransformer
{
    /// <summary>Creates the estimator.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column; <see langword="null"/> means the output column.</param>
    /// <param name="expectedInputSize">The required input vector size, or 0 for any.</param>
    protected VectorEstimatorBase(string outputColumnName, string? inputColumnName, int expectedInputSize = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedInputSize);
        OutputColumnName = outputColumnName;
        InputColumnName = string.IsNullOrEmpty(inputColumnName) ? outputColumnName : inputColumnName;
        ExpectedInputSize = expectedInputSize;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input column.</summary>
    public string InputColumnName { get; }

    /// <summary>The required input vector size (0 = any).</summary>
    public int ExpectedInputSize { get; }

    /// <summary>The output vector size for a given input size. Default: the same size.</summary>
    /// <param name="inputSize">The input vector size.</param>
    /// <returns>The output vector size.</returns>
    protected virtual int GetOutputSize(int inputSize) => inputSize;

    /// <summary>Checks columns other than the input column (e.g. a label column). Default: none.</summary>
    /// <param name="inputSchema">The input schema.</param>
    protected virtual void CheckOtherColumns(DataSchema inputSchema)
    {
    }

    /// <summary>Learns from the data; the input column has been validated.</summary>
    /// <param name="inputColumn">The input column (row-major floats in <see cref="DataColumn.GetFloats"/>).</param>
    /// <param name="data">The whole data set (for other columns such as labels).</param>
    /// <returns>The fitted stage.</returns>
    protected abstract TTransformer FitCore(DataColumn inputColumn, DataSet data);

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var c = inputSchema.RequireFloats(InputColumnName, ExpectedInputSize);
        CheckOtherColumns(inputSchema);
        int outSize = GetOutputSize(c.VectorSize);
        var kind = c.Kind == ColumnKind.Scalar && outSize == 1 ? ColumnKind.Scalar : ColumnKind.Vector;
        return inputSchema.With(new SchemaColumn(OutputColumnName, kind, outSize));
    }

    /// <inheritdoc />
    public TTransformer Fit(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        if (input.RowCount == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{GetType().Name}: cannot fit on an empty data set."), nameof(input));
        }

        return FitCore(input.GetColumn(InputColumnName), input);
    }
}

/// <summary>An estimator that learns nothing: <see cref="Fit"/> validates the schema and returns the given transformer (ML.NET's <c>TrivialEstimator</c>).</summary>
/// <typeparam name="TTransformer">The stage type.</typeparam>
public sealed class TrivialEstimator<TTransformer> : IEstimator<TTransformer>
    where TTransformer : class, ITransformer
{
    private readonly TTransformer _transformer;

    /// <summary>Wraps a ready transformer.</summary>
    /// <param name="transformer">The stage.</param>
    public TrivialEstimator(TTransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        _transformer = transformer;
    }

    /// <inheritdoc />
    public TTransformer Fit(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema) => _transformer.GetOutputSchema(inputSchema);
}
