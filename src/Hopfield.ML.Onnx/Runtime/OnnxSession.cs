using System.Buffers;
using System.Collections.ObjectModel;

namespace Hopfield.ML.Onnx.Runtime;

/// <summary>
/// An ONNX model loaded into ONNX Runtime, ready to run on float tensors.
/// </summary>
/// <remarks>
/// <see cref="Run(IReadOnlyDictionary{string, OnnxTensor}, IEnumerable{string})"/> may be called from several
/// threads at once. Disposing is idempotent; a call after <see cref="Dispose"/> throws
/// <see cref="ObjectDisposedException"/>, and a dispose racing with a run waits for the native session to be
/// released until that run has finished.
/// </remarks>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly OrtLibrary.State _runtime;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;
    private int _disposed;

    private OnnxSession(ReadOnlySpan<byte> model, OnnxSessionOptions options)
    {
        options.Validate();
        _runtime = OrtLibrary.Load(options.LibraryPath);
        using (var sessionOptions = OrtNative.CreateSessionOptions())
        {
            OrtNative.SetGraphOptimizationLevel(sessionOptions, options.GraphOptimizationLevel);
            OrtNative.SetExecutionMode(sessionOptions, options.ExecutionMode);
            if (options.IntraOpThreads > 0)
            {
                OrtNative.SetIntraOpThreads(sessionOptions, options.IntraOpThreads);
            }

            if (options.InterOpThreads > 0)
            {
                OrtNative.SetInterOpThreads(sessionOptions, options.InterOpThreads);
            }

            _handle = OrtNative.CreateSessionFromArray(_runtime.Env, model, sessionOptions);
        }

        try
        {
            using var lease = _handle.Acquire();
            nint session = lease.Pointer;
            var inputs = new OnnxNodeInfo[OrtNative.GetInputCount(session)];
            for (int i = 0; i < inputs.Length; i++)
            {
                var (type, shape, isTensor) = OrtNative.GetInputType(session, i);
                inputs[i] = new OnnxNodeInfo(OrtNative.GetInputName(session, i), type, shape, isTensor);
            }

            var outputs = new OnnxNodeInfo[OrtNative.GetOutputCount(session)];
            for (int i = 0; i < outputs.Length; i++)
            {
                var (type, shape, isTensor) = OrtNative.GetOutputType(session, i);
                outputs[i] = new OnnxNodeInfo(OrtNative.GetOutputName(session, i), type, shape, isTensor);
            }

            // ONNX Runtime accepts a graph that lists the same output (or input) twice; names must be unique here.
            CheckUnique(inputs, "input");
            CheckUnique(outputs, "output");
            Inputs = Array.AsReadOnly(inputs);
            Outputs = Array.AsReadOnly(outputs);
            _inputIndex = inputs.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
            _outputIndex = outputs.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
            _handle.SetNames(inputs.Select(n => n.Name).ToList(), outputs.Select(n => n.Name).ToList());
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    private static void CheckUnique(OnnxNodeInfo[] nodes, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            if (!seen.Add(n.Name))
            {
                throw new OnnxRuntimeException(OnnxErrorCode.InvalidGraph, $"The model declares the {what} '{n.Name}' more than once.");
            }
        }
    }

    /// <summary>Gets the model's inputs: names, element types and shapes (-1 for dynamic dimensions).</summary>
    public ReadOnlyCollection<OnnxNodeInfo> Inputs { get; }

    /// <summary>Gets the model's outputs: names, element types and shapes (-1 for dynamic dimensions).</summary>
    public ReadOnlyCollection<OnnxNodeInfo> Outputs { get; }

    /// <summary>Loads an ONNX model file.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="options">Session options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The session.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the model; the message names the file.</exception>
    /// <exception cref="DllNotFoundException">The ONNX Runtime library was not found; the message says where it looked.</exception>
    public static OnnxSession FromFile(string path, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The ONNX model file '{path}' does not exist.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return FromBytes(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxRuntimeException(e.ErrorCode, $"Loading the ONNX model '{path}' failed: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Loading the ONNX model '{path}' failed: {e.Message}", nameof(path), e);
        }
    }

    /// <summary>Loads an ONNX model from its serialised bytes (a <c>ModelProto</c>).</summary>
    /// <param name="model">The model bytes.</param>
    /// <param name="options">Session options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The session.</returns>
    /// <exception cref="ArgumentException">The bytes are empty.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the model (for example <see cref="OnnxErrorCode.InvalidProtobuf"/>),
    /// or the binding refused it first (<see cref="OnnxErrorCode.InvalidGraph"/>) because an attribute that ONNX Runtime
    /// divides by — a stride, dilation, kernel size, group or block size — is zero or negative.</exception>
    /// <exception cref="DllNotFoundException">The ONNX Runtime library was not found; the message says where it looked.</exception>
    public static OnnxSession FromBytes(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model bytes are empty.", nameof(model));
        }

        OnnxModelScreen.Check(model); // attribute values that would crash the native library (a zero Conv stride, …)
        return new OnnxSession(model, options ?? new OnnxSessionOptions());
    }

    /// <summary>Runs the model on named float tensors.</summary>
    /// <param name="inputs">One tensor per model input, by input name.</param>
    /// <param name="outputNames">The outputs to compute, or <see langword="null"/> for all of them.</param>
    /// <returns>The computed outputs, by name, in the order requested.</returns>
    /// <exception cref="ArgumentException">An input is missing or unknown, or its shape does not fit the model's input shape.</exception>
    /// <exception cref="NotSupportedException">An input or requested output is not a float tensor.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed while running.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs, IEnumerable<string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        foreach (string name in inputs.Keys)
        {
            if (!_inputIndex.ContainsKey(name))
            {
                throw new ArgumentException(
                    $"The model has no input named '{name}'. Its inputs are: {string.Join(", ", Inputs)}.", nameof(inputs));
            }
        }

        int[] inputIdx = new int[Inputs.Count];
        var tensors = new OnnxTensor[Inputs.Count];
        for (int i = 0; i < Inputs.Count; i++)
        {
            var info = Inputs[i];
            if (!inputs.TryGetValue(info.Name, out var tensor) || tensor is null)
            {
                throw new ArgumentException($"The input '{info.Name}' ({info}) is missing.", nameof(inputs));
            }

            ValidateInput(info, tensor.ShapeSpan);
            inputIdx[i] = i;
            tensors[i] = tensor;
        }

        int[] outputIdx = outputNames is null
            ? Enumerable.Range(0, Outputs.Count).ToArray()
            : outputNames.Select(n => _outputIndex.TryGetValue(n, out int k)
                ? k
                : throw new ArgumentException($"The model has no output named '{n}'. Its outputs are: {string.Join(", ", Outputs)}.", nameof(outputNames)))
              .ToArray();
        foreach (int k in outputIdx)
        {
            RequireFloatTensor(Outputs[k], "output");
        }

        var pins = new MemoryHandle[tensors.Length];
        var values = new OrtValueHandle?[tensors.Length];
        OrtValueHandle[]? results = null;
        try
        {
            var pointers = new nint[tensors.Length];
            for (int i = 0; i < tensors.Length; i++)
            {
                pins[i] = tensors[i].Data.Pin();
                values[i] = OrtNative.CreateFloatTensor(_runtime.CpuMemory, (float*)pins[i].Pointer, tensors[i].Data.Length, tensors[i].ShapeSpan);
            }

            results = RunCore(inputIdx, values!, outputIdx);
            var map = new Dictionary<string, OnnxTensor>(outputIdx.Length, StringComparer.Ordinal);
            for (int i = 0; i < outputIdx.Length; i++)
            {
                string name = Outputs[outputIdx[i]].Name;
                var (type, shape, data) = OrtNative.ReadTensor(results[i]);
                if (type != OnnxElementType.Float)
                {
                    throw new NotSupportedException($"The output '{name}' is of type {type}; only float tensors are supported.");
                }

                float[] copy = new float[checked((int)OnnxTensor.ElementCount(shape, nameof(outputNames)))];
                new ReadOnlySpan<float>((void*)data, copy.Length).CopyTo(copy);
                map[name] = new OnnxTensor(copy, shape);
            }

            return map;
        }
        finally
        {
            if (results is not null)
            {
                foreach (var r in results)
                {
                    r.Dispose();
                }
            }

            for (int i = 0; i < tensors.Length; i++)
            {
                values[i]?.Dispose();
                pins[i].Dispose();
            }
        }
    }

    /// <summary>Runs a model that has a single input and returns its first output.</summary>
    /// <param name="input">The input tensor.</param>
    /// <returns>The first output.</returns>
    /// <exception cref="InvalidOperationException">The model has more than one input.</exception>
    /// <exception cref="ArgumentException">The input's shape does not fit the model's input shape.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public OnnxTensor Run(OnnxTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Inputs.Count != 1)
        {
            throw new InvalidOperationException($"The model has {Inputs.Count} inputs ({string.Join(", ", Inputs)}); pass them by name.");
        }

        return Run(new Dictionary<string, OnnxTensor> { [Inputs[0].Name] = input }, [Outputs[0].Name])[Outputs[0].Name];
    }

    /// <summary>Releases the native session. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _handle.Dispose();
        }
    }

    /// <summary>Gets the index of an input by name.</summary>
    internal int InputIndex(string name) => _inputIndex.TryGetValue(name, out int i)
        ? i
        : throw new ArgumentException($"The model has no input named '{name}'. Its inputs are: {string.Join(", ", Inputs)}.", nameof(name));

    /// <summary>Gets the index of an output by name.</summary>
    internal int OutputIndex(string name) => _outputIndex.TryGetValue(name, out int i)
        ? i
        : throw new ArgumentException($"The model has no output named '{name}'. Its outputs are: {string.Join(", ", Outputs)}.", nameof(name));

    /// <summary>
    /// Runs a single-input model on a span without copying it and writes one output into <paramref name="destination"/>.
    /// Returns the output shape.
    /// </summary>
    internal long[] RunInto(int inputIndex, ReadOnlySpan<float> data, ReadOnlySpan<long> shape, int outputIndex, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Inputs.Count != 1)
        {
            throw new InvalidOperationException($"The model has {Inputs.Count} inputs; a single input is required here.");
        }

        ValidateInput(Inputs[inputIndex], shape);
        RequireFloatTensor(Outputs[outputIndex], "output");
        long count = OnnxTensor.ElementCount(shape, nameof(shape));
        if (count != data.Length)
        {
            throw new ArgumentException($"The data has {data.Length} values but shape {OnnxTensor.FormatShape(shape.ToArray())} needs {count}.", nameof(data));
        }

        fixed (float* p = data)
        {
            using var value = OrtNative.CreateFloatTensor(_runtime.CpuMemory, p, count, shape);
            var results = RunCore([inputIndex], [value], [outputIndex]);
            try
            {
                var (type, outShape, outData) = OrtNative.ReadTensor(results[0]);
                if (type != OnnxElementType.Float)
                {
                    throw new NotSupportedException($"The output '{Outputs[outputIndex].Name}' is of type {type}; only float tensors are supported.");
                }

                long outCount = OnnxTensor.ElementCount(outShape, nameof(shape));
                if (outCount > destination.Length)
                {
                    throw new ArgumentException(
                        $"The output '{Outputs[outputIndex].Name}' has shape {OnnxTensor.FormatShape(outShape)} ({outCount} values) but the destination holds {destination.Length}.",
                        nameof(destination));
                }

                new ReadOnlySpan<float>((void*)outData, (int)outCount).CopyTo(destination);
                return outShape;
            }
            finally
            {
                foreach (var r in results)
                {
                    r.Dispose();
                }
            }
        }
    }

    private OrtValueHandle[] RunCore(int[] inputIdx, OrtValueHandle[] values, int[] outputIdx)
    {
        // The session lease keeps the native session (and the name buffers it owns) alive during the call.
        using var session = _handle.Acquire();
        var valueHandles = new nint[values.Length];
        bool[] added = new bool[values.Length];
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i].DangerousAddRef(ref added[i]);
                valueHandles[i] = values[i].DangerousGetHandle();
            }

            var inNames = new nint[inputIdx.Length];
            for (int i = 0; i < inputIdx.Length; i++)
            {
                inNames[i] = _handle.InputNames[inputIdx[i]];
            }

            var outNames = new nint[outputIdx.Length];
            for (int i = 0; i < outputIdx.Length; i++)
            {
                outNames[i] = _handle.OutputNames[outputIdx[i]];
            }

            fixed (nint* pin = inNames, pv = valueHandles, pout = outNames)
            {
                return OrtNative.Run(session.Pointer, pin, pv, inputIdx.Length, pout, outputIdx.Length);
            }
        }
        finally
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (added[i])
                {
                    values[i].DangerousRelease();
                }
            }
        }
    }

    private static void RequireFloatTensor(OnnxNodeInfo info, string kind)
    {
        if (!info.IsTensor || info.ElementType != OnnxElementType.Float)
        {
            throw new NotSupportedException($"The {kind} '{info.Name}' is {(info.IsTensor ? "a tensor of " + info.ElementType : "not a tensor")}; only float tensors are supported.");
        }
    }

    private static void ValidateInput(OnnxNodeInfo info, ReadOnlySpan<long> shape)
    {
        RequireFloatTensor(info, "input");
        string given = OnnxTensor.FormatShape(shape.ToArray());
        if (shape.Length != info.Shape.Count)
        {
            throw new ArgumentException(
                $"The input '{info.Name}' expects rank {info.Shape.Count} with shape {OnnxTensor.FormatShape(info.Shape)} (? = any), but the tensor has shape {given}.");
        }

        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0)
            {
                throw new ArgumentException($"The tensor for input '{info.Name}' has a negative dimension {d} ({given}).");
            }

            if (info.Shape[d] >= 0 && info.Shape[d] != shape[d])
            {
                throw new ArgumentException(
                    $"The input '{info.Name}' expects shape {OnnxTensor.FormatShape(info.Shape)} (? = any), but the tensor has shape {given}: dimension {d} is {shape[d]}, expected {info.Shape[d]}.");
            }
        }
    }
}
