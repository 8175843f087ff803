using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// Where one stage writes its parameters (small values, stored in the JSON manifest), tensors (little-endian binary in the
/// payload) and child stages. Created by <see cref="ModelOperationsCatalog.Save(ITransformer, DataSchema?, string)"/>.
/// The tensors are referenced, not copied, until the file is written, so they must not change (fitted stages are immutable).
/// </summary>
public sealed class ModelSaveContext
{
    private readonly ModelFileWriterState _state;
    private readonly JsonObject _parameters = [];
    private readonly JsonObject _tensors = [];
    private readonly JsonObject _children = [];

    internal ModelSaveContext(ModelFileWriterState state, string stageType, int stageVersion)
    {
        _state = state;
        StageType = stageType;
        StageVersion = stageVersion;
    }

    /// <summary>The stage type name being written.</summary>
    public string StageType { get; }

    /// <summary>The layout version being written.</summary>
    public int StageVersion { get; }

    internal static ModelSaveContext ForStage(ModelFileWriterState state, ITransformer stage)
    {
        var type = stage.GetType();
        var attr = type.GetCustomAttribute<PipelineStageAttribute>(inherit: false)
            ?? throw new InvalidOperationException($"Transformer type '{type.FullName}' cannot be saved: it has no [PipelineStage] attribute.");
        var ctx = new ModelSaveContext(state, attr.Name, attr.Version);
        stage.Save(ctx);
        return ctx;
    }

    /// <summary>Sets a string parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public void SetParameter(string name, string value) => Set(name, JsonValue.Create(value));

    /// <summary>Sets an integer parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public void SetParameter(string name, int value) => Set(name, JsonValue.Create(value));

    /// <summary>Sets a 64-bit integer parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public void SetParameter(string name, long value) => Set(name, JsonValue.Create(value));

    /// <summary>Sets a float parameter (non-finite values are stored as strings and restored exactly).</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public void SetParameter(string name, float value) =>
        Set(name, float.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Sets a double parameter (non-finite values are stored as strings and restored exactly).</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public void SetParameter(string name, double value) =>
        Set(name, double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Sets a boolean parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    public void SetParameter(string name, bool value) => Set(name, JsonValue.Create(value));

    /// <summary>Sets a string-array parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="values">The values.</param>
    public void SetParameter(string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Set(name, new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]));
    }

    /// <summary>Sets an integer-array parameter (for short arrays; use a tensor for long ones).</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="values">The values.</param>
    public void SetParameter(string name, IEnumerable<int> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Set(name, new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]));
    }

    /// <summary>Adds a float tensor, written little-endian to the payload.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="values">The values (referenced until the file is written).</param>
    /// <param name="shape">The shape; its product must equal the length. Empty means one dimension of the length.</param>
    public void AddTensor(string name, ReadOnlyMemory<float> values, params int[] shape) =>
        AddTensorCore(name, "f32", values.Length, shape, _state.Add(values));

    /// <summary>Adds an integer tensor, written little-endian to the payload.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="values">The values (referenced until the file is written).</param>
    /// <param name="shape">The shape; its product must equal the length. Empty means one dimension of the length.</param>
    public void AddTensor(string name, ReadOnlyMemory<int> values, params int[] shape) =>
        AddTensorCore(name, "i32", values.Length, shape, _state.Add(values));

    /// <summary>Saves a child stage (e.g. a feature map inside a retrieval stage) under a name.</summary>
    /// <param name="name">The child's name within this stage.</param>
    /// <param name="stage">The child stage.</param>
    public void SaveStage(string name, ITransformer stage)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(stage);
        if (_children.ContainsKey(name))
        {
            throw new ArgumentException($"Stage '{StageType}': child '{name}' saved twice.", nameof(name));
        }

        _children[name] = ForStage(_state, stage).ToJson();
    }

    internal JsonObject ToJson() => new()
    {
        ["type"] = StageType,
        ["version"] = StageVersion,
        ["parameters"] = _parameters,
        ["tensors"] = _tensors,
        ["children"] = _children,
    };

    private void AddTensorCore(string name, string dtype, int length, int[] shape, long offset)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (_tensors.ContainsKey(name))
        {
            throw new ArgumentException($"Stage '{StageType}': tensor '{name}' added twice.", nameof(name));
        }

        int[] s = shape.Length == 0 ? [length] : shape;
        long product = 1;
        foreach (int d in s)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            product *= d;
        }

        if (product != length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Stage '{StageType}': tensor '{name}' has {length} values but shape [{string.Join(", ", s)}]."), nameof(shape));
        }

        _tensors[name] = new JsonObject
        {
            ["dtype"] = dtype,
            ["shape"] = new JsonArray([.. s.Select(d => (JsonNode?)JsonValue.Create(d))]),
            ["offset"] = offset,
            ["length"] = length,
        };
    }

    private void Set(string name, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_parameters.ContainsKey(name))
        {
            throw new ArgumentException($"Stage '{StageType}': parameter '{name}' set twice.", nameof(name));
        }

        _parameters[name] = value;
    }
}

/// <summary>Collects tensor references and their payload offsets while a model is being saved.</summary>
internal sealed class ModelFileWriterState
{
    private readonly List<object> _blobs = [];

    public long PayloadLength { get; private set; }

    public IReadOnlyList<object> Blobs => _blobs;

    public long Add(ReadOnlyMemory<float> values) => AddBlob(values, (long)values.Length * 4);

    public long Add(ReadOnlyMemory<int> values) => AddBlob(values, (long)values.Length * 4);

    private long AddBlob(object blob, long bytes)
    {
        long offset = PayloadLength;
        _blobs.Add(blob);
        PayloadLength += bytes;
        return offset;
    }
}
