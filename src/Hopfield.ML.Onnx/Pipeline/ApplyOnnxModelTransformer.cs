using System.Globalization;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Pipeline;

/// <summary>
/// Runs an ONNX model on a float vector column: each row is reshaped to the model's input (e.g. 784 → [1,28,28]) and the
/// chosen output, flattened, becomes the output column (ML.NET's <c>ApplyOnnxModel</c> for one input and one output).
/// With <see cref="Normalize"/> the output rows are scaled to unit L2 norm (an encoder φ for cosine retrieval).
/// <para>
/// The model bytes are saved inside the model file (with their SHA-256, checked on load). Thread-safe; holds a native
/// ONNX Runtime session until disposed (or finalised). Disposing is idempotent; transforming after <see cref="Dispose"/>
/// throws <see cref="ObjectDisposedException"/> naming this type.
/// </para>
/// </summary>
[PipelineStage("ApplyOnnxModel", Version = 1)]
public sealed class ApplyOnnxModelTransformer : VectorTransformerBase, ILoadableStage<ApplyOnnxModelTransformer>, IDisposable
{
    private readonly byte[] _model;
    private readonly OnnxFeatureMap _map;
    private int _disposed;

    /// <summary>Creates the stage from ONNX model bytes.</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column; null for the output column.</param>
    /// <param name="model">The ONNX model (one float input with a batch dimension; the output is a float tensor).</param>
    /// <param name="outputName">The model output to use; null for the first.</param>
    /// <param name="normalize">Whether to L2-normalise each output row.</param>
    /// <param name="batchSize">Rows per ONNX Runtime call.</param>
    /// <exception cref="ArgumentException">The model's inputs or outputs do not fit (the message names them).</exception>
    /// <exception cref="OnnxRuntimeException">The bytes are not a valid model.</exception>
    public ApplyOnnxModelTransformer(string outputColumnName, string? inputColumnName, byte[] model, string? outputName = null, bool normalize = false, int batchSize = 256)
        : this(outputColumnName, inputColumnName, model, normalize, batchSize, Open(model, outputName, batchSize))
    {
    }

    private ApplyOnnxModelTransformer(string outputColumnName, string? inputColumnName, byte[] model, bool normalize, int batchSize, OnnxFeatureMap map)
        : base(outputColumnName, inputColumnName, map.InputDimension)
    {
        _model = model;
        _map = map;
        Normalize = normalize;
        BatchSize = batchSize;
        ModelOutputName = map.OutputName;
    }

    private ApplyOnnxModelTransformer(ModelLoadContext context)
        : base(context)
    {
        _model = OnnxModelBlob.Load(context, "model");
        ModelOutputName = context.GetString("modelOutputName");
        Normalize = context.GetBoolean("normalize");
        BatchSize = context.GetInt32("batchSize");
        try
        {
            _map = Open(_model, ModelOutputName, BatchSize);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or OnnxRuntimeException)
        {
            throw context.Error($"the stored ONNX model cannot be opened: {ex.Message}");
        }

        if (_map.InputDimension != InputSize)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"the stored ONNX model takes {_map.InputDimension} values but inputSize is {InputSize}"));
        }
    }

    /// <summary>Gets the model output used.</summary>
    public string ModelOutputName { get; }

    /// <summary>Gets the model input name.</summary>
    public string ModelInputName => _map.InputName;

    /// <summary>Gets the output vector size.</summary>
    public int OutputSize => _map.OutputDimension;

    /// <summary>Gets a value indicating whether output rows are L2-normalised.</summary>
    public bool Normalize { get; }

    /// <summary>Gets the number of rows per ONNX Runtime call.</summary>
    public int BatchSize { get; }

    /// <summary>Gets the SHA-256 of the model bytes (lower-case hex).</summary>
    public string ModelSha256 => OnnxModelBlob.Sha256(_model);

    /// <summary>Gets the feature map that runs the model.</summary>
    public OnnxFeatureMap FeatureMap => _map;

    internal byte[] ModelBytes => _model;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ApplyOnnxModelTransformer Load(ModelLoadContext context) => new(context);

    /// <summary>Creates the stage from an ONNX file (its bytes are read now and kept).</summary>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column.</param>
    /// <param name="modelFile">The .onnx file.</param>
    /// <param name="outputName">The model output; null for the first.</param>
    /// <param name="normalize">Whether to L2-normalise each output row.</param>
    /// <param name="batchSize">Rows per call.</param>
    /// <returns>The stage.</returns>
    public static ApplyOnnxModelTransformer FromFile(string outputColumnName, string? inputColumnName, string modelFile, string? outputName = null, bool normalize = false, int batchSize = 256)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFile);
        if (!File.Exists(modelFile))
        {
            throw new FileNotFoundException($"ONNX model file '{modelFile}' not found.", modelFile);
        }

        return new ApplyOnnxModelTransformer(outputColumnName, inputColumnName, File.ReadAllBytes(modelFile), outputName, normalize, batchSize);
    }

    /// <summary>Releases the native session. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _map.Dispose();
        }
    }

    internal void MapFeatures(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _map.Map(input, rows, output);
        if (Normalize)
        {
            int d = _map.OutputDimension;
            for (int r = 0; r < rows; r++)
            {
                var row = output.Slice(r * d, d);
                Hopfield.ML.Numerics.VectorKernels.NormalizeL2(row, row);
            }
        }
    }

    /// <inheritdoc />
    protected override int GetOutputSize(int inputSize) => _map.OutputDimension;

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output) => MapFeatures(input, rowCount, output);

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OnnxModelBlob.Save(context, "model", _model);
        context.SetParameter("modelOutputName", ModelOutputName);
        context.SetParameter("normalize", Normalize);
        context.SetParameter("batchSize", BatchSize);
    }

    private static OnnxFeatureMap Open(byte[] model, string? outputName, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return OnnxFeatureMap.FromBytes(model, new OnnxFeatureMapOptions { BatchSize = batchSize, OutputName = outputName });
    }
}
