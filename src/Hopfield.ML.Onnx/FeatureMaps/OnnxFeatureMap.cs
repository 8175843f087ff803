using Hopfield.ML.Memories;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.FeatureMaps;

/// <summary>
/// A feature map φ computed by an ONNX model (typically an image encoder): flat input rows are reshaped to the
/// model's input shape (for example [batch, 1, 28, 28] or [batch, 784]), run in batches, and the output rows
/// are flattened.
/// </summary>
/// <remarks>
/// The first input dimension is the batch; the others must be fixed. The output dimension is read from the
/// model's output shape, or found by one probe run when the model declares it dynamic. Mapping is
/// thread-safe. Disposing is idempotent; <see cref="Map(ReadOnlySpan{float}, int, Span{float})"/> after
/// <see cref="Dispose"/> throws <see cref="ObjectDisposedException"/> naming this type, whether or not the map owns its session.
/// </remarks>
public sealed class OnnxFeatureMap : IFeatureMap, IDisposable
{
    private readonly OnnxSession _session;
    private readonly bool _ownsSession;
    private readonly int _inputIndex;
    private readonly int _outputIndex;
    private readonly long[] _rowShape;
    private readonly bool _fixedBatch;
    private readonly OnnxFeatureMapOptions _options;
    private int _disposed;

    /// <summary>Initializes a feature map over an existing session, which it does not dispose.</summary>
    /// <param name="session">The session.</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The input or output named in the options does not exist.</exception>
    /// <exception cref="NotSupportedException">The input is not a float tensor with a batch dimension and fixed other dimensions.</exception>
    public OnnxFeatureMap(OnnxSession session, OnnxFeatureMapOptions? options = null)
        : this(session, options, ownsSession: false)
    {
    }

    private OnnxFeatureMap(OnnxSession session, OnnxFeatureMapOptions? options, bool ownsSession)
    {
        ArgumentNullException.ThrowIfNull(session);
        _options = options ?? new OnnxFeatureMapOptions();
        if (_options.BatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize, "BatchSize must be positive.");
        }

        if (_options.MaxDegreeOfParallelism == 0 || _options.MaxDegreeOfParallelism < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be positive or -1.");
        }

        _session = session;
        if (session.Inputs.Count != 1)
        {
            throw new ArgumentException(
                $"The model has {session.Inputs.Count} inputs ({string.Join(", ", session.Inputs)}); a feature map needs exactly one.", nameof(session));
        }

        _inputIndex = _options.InputName is null ? 0 : session.InputIndex(_options.InputName);
        _outputIndex = _options.OutputName is null ? 0 : session.OutputIndex(_options.OutputName);
        if (session.Outputs.Count == 0)
        {
            throw new ArgumentException("The model has no outputs.", nameof(session));
        }

        var input = session.Inputs[_inputIndex];
        if (!input.IsTensor || input.ElementType != OnnxElementType.Float)
        {
            throw new NotSupportedException($"The input {input} is not a float tensor.");
        }

        if (input.Shape.Count < 2)
        {
            throw new NotSupportedException($"The input {input} needs a batch dimension followed by at least one feature dimension.");
        }

        _rowShape = input.Shape.Skip(1).ToArray();
        if (_rowShape.Any(d => d <= 0))
        {
            throw new NotSupportedException($"The input {input} has a dynamic or empty dimension after the batch dimension; only the batch dimension may be dynamic.");
        }

        InputDimension = checked((int)_rowShape.Aggregate(1L, (a, d) => a * d));
        _fixedBatch = input.Shape[0] > 0;
        BatchSize = _fixedBatch ? checked((int)input.Shape[0]) : _options.BatchSize;
        InputShape = input.Shape;

        var output = session.Outputs[_outputIndex];
        if (!output.IsTensor || output.ElementType != OnnxElementType.Float)
        {
            throw new NotSupportedException($"The output {output} is not a float tensor.");
        }

        _ownsSession = ownsSession;
        OutputDimension = output.Shape.Count >= 2 && output.Shape.Skip(1).All(d => d > 0)
            ? checked((int)output.Shape.Skip(1).Aggregate(1L, (a, d) => a * d))
            : Probe();
    }

    /// <inheritdoc/>
    public int InputDimension { get; }

    /// <inheritdoc/>
    public int OutputDimension { get; }

    /// <summary>Gets the number of rows per run.</summary>
    public int BatchSize { get; }

    /// <summary>Gets the model input shape (-1 for a dynamic batch).</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Gets the name of the model input that is fed.</summary>
    public string InputName => _session.Inputs[_inputIndex].Name;

    /// <summary>Gets the name of the model output that is read.</summary>
    public string OutputName => _session.Outputs[_outputIndex].Name;

    /// <summary>Loads an ONNX model file as a feature map that owns its session.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="options">Feature-map options, or <see langword="null"/> for the defaults.</param>
    /// <param name="sessionOptions">Session options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The feature map; dispose it to release the session.</returns>
    public static OnnxFeatureMap FromFile(string path, OnnxFeatureMapOptions? options = null, OnnxSessionOptions? sessionOptions = null) =>
        Own(OnnxSession.FromFile(path, sessionOptions), options);

    /// <summary>Loads an ONNX model from its bytes as a feature map that owns its session.</summary>
    /// <param name="model">The model bytes.</param>
    /// <param name="options">Feature-map options, or <see langword="null"/> for the defaults.</param>
    /// <param name="sessionOptions">Session options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The feature map; dispose it to release the session.</returns>
    public static OnnxFeatureMap FromBytes(ReadOnlySpan<byte> model, OnnxFeatureMapOptions? options = null, OnnxSessionOptions? sessionOptions = null) =>
        Own(OnnxSession.FromBytes(model, sessionOptions), options);

    private static OnnxFeatureMap Own(OnnxSession session, OnnxFeatureMapOptions? options)
    {
        try
        {
            return new OnnxFeatureMap(session, options, ownsSession: true);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span is too short for <paramref name="count"/> rows.</exception>
    /// <exception cref="ObjectDisposedException">The feature map was disposed.</exception>
    public unsafe void Map(ReadOnlySpan<float> inputs, int count, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)count * InputDimension > inputs.Length)
        {
            throw new ArgumentException($"inputs has {inputs.Length} values; {count} rows of dimension {InputDimension} need {(long)count * InputDimension}.", nameof(inputs));
        }

        if ((long)count * OutputDimension > outputs.Length)
        {
            throw new ArgumentException($"outputs has {outputs.Length} values; {count} rows of dimension {OutputDimension} need {(long)count * OutputDimension}.", nameof(outputs));
        }

        if (count == 0)
        {
            return;
        }

        int batches = (count + BatchSize - 1) / BatchSize;
        if (!_options.ParallelBatches || batches == 1)
        {
            for (int b = 0; b < batches; b++)
            {
                RunBatch(inputs, outputs, count, b);
            }

            return;
        }

        fixed (float* pIn = inputs)
        fixed (float* pOut = outputs)
        {
            nint inAddress = (nint)pIn;
            nint outAddress = (nint)pOut;
            int inLength = inputs.Length;
            int outLength = outputs.Length;
            Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism }, b =>
                RunBatch(new ReadOnlySpan<float>((void*)inAddress, inLength), new Span<float>((void*)outAddress, outLength), count, b));
        }
    }

    /// <summary>Maps rows held in an array.</summary>
    /// <param name="inputs">The inputs, row-major; its length must be a multiple of <see cref="InputDimension"/>.</param>
    /// <returns>The features, row-major.</returns>
    /// <exception cref="ObjectDisposedException">The feature map was disposed.</exception>
    public float[] Map(float[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (inputs.Length % InputDimension != 0)
        {
            throw new ArgumentException($"inputs has {inputs.Length} values, not a multiple of the input dimension {InputDimension}.", nameof(inputs));
        }

        int count = inputs.Length / InputDimension;
        float[] result = new float[(long)count * OutputDimension];
        Map(inputs, count, result);
        return result;
    }

    /// <summary>Releases the session if this feature map owns it. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsSession)
        {
            _session.Dispose();
        }
    }

    private void RunBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int count, int batch)
    {
        int start = batch * BatchSize;
        int rows = Math.Min(BatchSize, count - start);
        var inRows = inputs.Slice(start * InputDimension, rows * InputDimension);
        var outRows = outputs.Slice(start * OutputDimension, rows * OutputDimension);
        if (_fixedBatch && rows < BatchSize)
        {
            // A model with a fixed batch size: pad the last batch with zero rows.
            float[] padded = new float[BatchSize * InputDimension];
            inRows.CopyTo(padded);
            float[] result = new float[BatchSize * OutputDimension];
            RunRows(padded, BatchSize, result);
            result.AsSpan(0, outRows.Length).CopyTo(outRows);
            return;
        }

        RunRows(inRows, rows, outRows);
    }

    private void RunRows(ReadOnlySpan<float> inRows, int rows, Span<float> outRows)
    {
        Span<long> shape = stackalloc long[_rowShape.Length + 1];
        shape[0] = rows;
        _rowShape.CopyTo(shape[1..]);
        long[] outShape = _session.RunInto(_inputIndex, inRows, shape, _outputIndex, outRows);
        long produced = OnnxTensor.ElementCount(outShape, "output");
        if (produced != (long)rows * OutputDimension)
        {
            throw new InvalidOperationException(
                $"The output '{OutputName}' has shape {OnnxTensor.FormatShape(outShape)} for {rows} rows; expected {rows} × {OutputDimension} values.");
        }
    }

    private int Probe()
    {
        int rows = _fixedBatch ? BatchSize : 1;
        long[] shape = [rows, .. _rowShape];
        var input = new OnnxTensor(new float[rows * InputDimension], shape);
        var output = _session.Outputs[_outputIndex];
        var result = _session.Run(new Dictionary<string, OnnxTensor> { [InputName] = input }, [output.Name])[output.Name];
        long total = result.Data.Length;
        if (result.Shape.Count == 0 || result.Shape[0] != rows || total % rows != 0)
        {
            throw new NotSupportedException($"The output {output} does not have the batch as its first dimension (probe gave {OnnxTensor.FormatShape(result.Shape)}).");
        }

        return checked((int)(total / rows));
    }
}
