using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hopfield.ML.Memories;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// What one stage reads back: its parameters, tensors and child stages, as written through <see cref="ModelSaveContext"/>.
/// Every failure is an <see cref="InvalidDataException"/> naming the file, the stage and the item.
/// </summary>
public sealed class ModelLoadContext
{
    private readonly JsonObject _parameters;
    private readonly JsonObject _tensors;
    private readonly JsonObject _children;
    private readonly ReadOnlyMemory<byte> _payload;

    internal ModelLoadContext(string fileName, JsonObject stage, ReadOnlyMemory<byte> payload)
    {
        FileName = fileName;
        _payload = payload;
        StageType = ReadRequired(stage, "type", n => n.GetValue<string>());
        StageVersion = ReadRequired(stage, "version", n => n.GetValue<int>());
        _parameters = stage["parameters"] as JsonObject ?? throw Error("missing 'parameters'");
        _tensors = stage["tensors"] as JsonObject ?? throw Error("missing 'tensors'");
        _children = stage["children"] as JsonObject ?? throw Error("missing 'children'");
    }

    /// <summary>The model file (or stream description) being read.</summary>
    public string FileName { get; }

    /// <summary>The stage type name.</summary>
    public string StageType { get; }

    /// <summary>The layout version the stage was written with.</summary>
    public int StageVersion { get; }

    /// <summary>The number of child stages stored for this stage (a bound for counts read from the file).</summary>
    public int ChildCount => _children.Count;

    /// <summary>Whether a parameter exists (for optional parameters added in later versions).</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool HasParameter(string name) => _parameters.ContainsKey(name);

    /// <summary>Whether a tensor exists.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool HasTensor(string name) => _tensors.ContainsKey(name);

    /// <summary>Reads a string parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public string GetString(string name) => Param(name, n => n.GetValue<string>());

    /// <summary>Reads an integer parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public int GetInt32(string name) => Param(name, n => n.GetValue<int>());

    /// <summary>Reads a 64-bit integer parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public long GetInt64(string name) => Param(name, n => n.GetValue<long>());

    /// <summary>Reads a float parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public float GetSingle(string name) => Param(name, n => n.GetValueKind() == JsonValueKind.String
        ? float.Parse(n.GetValue<string>(), CultureInfo.InvariantCulture)
        : n.GetValue<float>());

    /// <summary>Reads a double parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public double GetDouble(string name) => Param(name, n => n.GetValueKind() == JsonValueKind.String
        ? double.Parse(n.GetValue<string>(), CultureInfo.InvariantCulture)
        : n.GetValue<double>());

    /// <summary>Reads a boolean parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string name) => Param(name, n => n.GetValue<bool>());

    /// <summary>Reads a string-array parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The values.</returns>
    public string[] GetStringArray(string name) => Param(name, n => n.AsArray().Select(e => e!.GetValue<string>()).ToArray());

    /// <summary>Reads an integer-array parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The values.</returns>
    public int[] GetInt32Array(string name) => Param(name, n => n.AsArray().Select(e => e!.GetValue<int>()).ToArray());

    /// <summary>Reads a float tensor and its shape.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="shape">The stored shape.</param>
    /// <returns>A new array with the values.</returns>
    public float[] GetTensor(string name, out int[] shape) => MemoryMarshal.Cast<byte, float>(TensorBytes(name, "f32", out shape)).ToArray();

    /// <summary>Reads a float tensor and checks its shape.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="expectedShape">The required shape (empty: any).</param>
    /// <returns>A new array with the values.</returns>
    public float[] GetTensor(string name, params int[] expectedShape)
    {
        var values = GetTensor(name, out var shape);
        CheckShape(name, shape, expectedShape);
        return values;
    }

    /// <summary>Reads an integer tensor and checks its shape.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="expectedShape">The required shape (empty: any).</param>
    /// <returns>A new array with the values.</returns>
    public int[] GetInt32Tensor(string name, params int[] expectedShape)
    {
        var values = MemoryMarshal.Cast<byte, int>(TensorBytes(name, "i32", out var shape)).ToArray();
        CheckShape(name, shape, expectedShape);
        return values;
    }

    /// <summary>Loads a child stage saved with <see cref="ModelSaveContext.SaveStage"/>.</summary>
    /// <param name="name">The child's name.</param>
    /// <returns>The child stage.</returns>
    public ITransformer LoadStage(string name)
    {
        var node = _children[name] as JsonObject ?? throw Error($"missing child stage '{name}'");
        return ModelStageRegistry.LoadStage(new ModelLoadContext(FileName, node, _payload));
    }

    /// <summary>Creates the exception for a malformed stage, naming the file and stage.</summary>
    /// <param name="message">What is wrong.</param>
    /// <returns>The exception to throw.</returns>
    public InvalidDataException Error(string message) =>
        new($"Model file '{FileName}', stage '{(StageType ?? "?")}': {message}.");

    private static void CheckShape(string name, int[] shape, int[] expected)
    {
        if (expected is { Length: > 0 } && !shape.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidDataException($"Tensor '{name}' has shape [{string.Join(", ", shape)}], expected [{string.Join(", ", expected)}].");
        }
    }

    private ReadOnlySpan<byte> TensorBytes(string name, string dtype, out int[] shape)
    {
        var t = _tensors[name] as JsonObject ?? throw Error($"missing tensor '{name}'");
        try
        {
            string storedType = t["dtype"]!.GetValue<string>();
            if (storedType != dtype)
            {
                throw Error($"tensor '{name}' has dtype {storedType}, expected {dtype}");
            }

            shape = t["shape"]!.AsArray().Select(e => e!.GetValue<int>()).ToArray();
            long offset = t["offset"]!.GetValue<long>();
            long length = t["length"]!.GetValue<long>();
            if (offset < 0 || length < 0 || offset > _payload.Length || length > (_payload.Length - offset) / 4 || offset % 4 != 0)
            {
                throw Error($"tensor '{name}' lies outside the payload");
            }

            long maxElements = MemoryLimits.Default.MaxElements;
            if (length > maxElements)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"tensor '{name}' has {length} elements, more than MemoryLimits.MaxElements = {maxElements}"));
            }

            long bytes = length * 4;
            long elements = 1;
            foreach (int dim in shape)
            {
                if (dim < 0 || (dim > 0 && elements > length / dim))
                {
                    throw Error($"tensor '{name}' has shape [{string.Join(", ", shape)}], which does not hold its {length} elements");
                }

                elements *= dim;
            }

            if (shape.Length > 0 && elements != length)
            {
                throw Error($"tensor '{name}' has shape [{string.Join(", ", shape)}] ({elements} elements) but stores {length} elements");
            }

            var span = _payload.Span.Slice((int)offset, (int)bytes);
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("Model files are little-endian; big-endian hosts are not supported.");
            }

            return span;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"Model file '{FileName}', stage '{StageType}': tensor '{name}' has a malformed entry.", e);
        }
    }

    private T Param<T>(string name, Func<JsonNode, T> read)
    {
        var n = _parameters[name] ?? throw Error($"missing parameter '{name}'");
        try
        {
            return read(n);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or OverflowException)
        {
            throw new InvalidDataException($"Model file '{FileName}', stage '{StageType}': parameter '{name}' has the wrong type ({n.ToJsonString()}).", e);
        }
    }

    private T ReadRequired<T>(JsonObject o, string key, Func<JsonNode, T> read)
    {
        try
        {
            return read(o[key] ?? throw new InvalidOperationException());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Model file '{FileName}': a stage has no valid '{key}'.", e);
        }
    }
}
