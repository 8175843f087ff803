using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Export;

/// <summary>A tensor dimension in a graph input or output: a fixed size or a named (dynamic) parameter.</summary>
internal readonly record struct OnnxDim(long Value, string? Param)
{
    public static implicit operator OnnxDim(long value) => new(value, null);

    public static implicit operator OnnxDim(int value) => new(value, null);

    public static implicit operator OnnxDim(string param) => new(-1, param);
}

/// <summary>A node attribute of type int, float, ints or string.</summary>
internal sealed class OnnxAttribute
{
    // AttributeProto.AttributeType
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeString = 3;
    private const int TypeInts = 7;

    private readonly int _type;
    private readonly long _int;
    private readonly float _float;
    private readonly long[]? _ints;
    private readonly string? _string;

    private OnnxAttribute(string name, int type, long i = 0, float f = 0, long[]? ints = null, string? s = null)
    {
        Name = name;
        _type = type;
        _int = i;
        _float = f;
        _ints = ints;
        _string = s;
    }

    public string Name { get; }

    public static OnnxAttribute Int(string name, long value) => new(name, TypeInt, i: value);

    public static OnnxAttribute Float(string name, float value) => new(name, TypeFloat, f: value);

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, TypeInts, ints: (long[])values.Clone());

    public static OnnxAttribute String(string name, string value) => new(name, TypeString, s: value);

    /// <summary>Writes an AttributeProto: name = 1, f = 2, i = 3, s = 4, ints = 8, type = 20.</summary>
    internal void WriteTo(ProtoWriter w)
    {
        w.WriteString(1, Name);
        switch (_type)
        {
            case TypeFloat:
                w.WriteFloat(2, _float);
                break;
            case TypeInt:
                w.WriteInt64(3, _int);
                break;
            case TypeString:
                w.WriteString(4, _string!);
                break;
            case TypeInts:
                foreach (long v in _ints!)
                {
                    w.WriteInt64(8, v);
                }

                break;
        }

        w.WriteInt64(20, _type);
    }
}

/// <summary>
/// Builds an ONNX <c>ModelProto</c> (IR version 8, default-domain opset 17) directly in protobuf wire format:
/// float initializers, float graph inputs and outputs (dynamic dimensions by name) and nodes with attributes.
/// Field numbers follow onnx.proto.
/// </summary>
internal sealed class OnnxModelBuilder
{
    internal const long IrVersion = 8;
    internal const long DefaultOpset = 17;

    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<byte[]> _rawNodes = [];
    private readonly List<byte[]> _rawInitializers = [];
    private readonly List<byte[]> _rawInputs = [];
    private readonly List<byte[]> _rawOutputs = [];
    private readonly List<byte[]> _rawValueInfos = [];
    private List<byte[]>? _rawOpsets;
    private readonly string _graphName;
    private readonly long _opset;
    private int _nodeCounter;

    public OnnxModelBuilder(string graphName = "graph", long opset = DefaultOpset)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        ArgumentOutOfRangeException.ThrowIfLessThan(opset, 1);
        _graphName = graphName;
        _opset = opset;
    }

    public string ProducerName { get; set; } = "Hopfield.ML";

    public string? DocString { get; set; }

    /// <summary>Gets or sets the IR version written (default <see cref="IrVersion"/>).</summary>
    public long ModelIrVersion { get; set; } = IrVersion;

    /// <summary>
    /// Copies the nodes, initializers, inputs and value infos of another model's graph (serialised ModelProto) into this one,
    /// with its opset imports; its outputs are returned by name (and copied as graph outputs when <paramref name="keepOutputs"/>).
    /// Names are declared, so later nodes cannot redefine them.
    /// </summary>
    public IReadOnlyList<string> AddGraphOf(ReadOnlyMemory<byte> model, bool keepOutputs, string what)
    {
        long ir = 0;
        ReadOnlyMemory<byte> graph = default;
        var opsets = new List<byte[]>();
        foreach (var f in ProtoReader.Fields(model, what))
        {
            switch (f.Number)
            {
                case 1 when f.WireType == 0: ir = (long)f.Varint; break;
                case 7 when f.WireType == 2: graph = f.Bytes; break;
                case 8 when f.WireType == 2: opsets.Add(f.Bytes.ToArray()); break;
            }
        }

        if (graph.IsEmpty)
        {
            throw new InvalidDataException($"{what}: the model has no graph.");
        }

        ModelIrVersion = Math.Max(ModelIrVersion, ir);
        _rawOpsets = opsets;
        var outputs = new List<string>();
        var initializerNames = new HashSet<string>(StringComparer.Ordinal);
        var graphFields = ProtoReader.Fields(graph, what);
        foreach (var f in graphFields.Where(f => f.Number == 5 && f.WireType == 2))
        {
            string? name = ProtoReader.Fields(f.Bytes, what).Where(g => g.Number == 8 && g.WireType == 2).Select(g => g.AsString()).FirstOrDefault();
            if (name is not null)
            {
                initializerNames.Add(name);
                Declare(name);
            }

            _rawInitializers.Add(f.Bytes.ToArray());
        }

        foreach (var f in graphFields)
        {
            if (f.WireType != 2)
            {
                continue;
            }

            switch (f.Number)
            {
                case 1:
                    foreach (var g in ProtoReader.Fields(f.Bytes, what).Where(g => g.Number == 2 && g.WireType == 2))
                    {
                        Declare(g.AsString());
                    }

                    _rawNodes.Add(f.Bytes.ToArray());
                    break;
                case 11:
                    string inputName = ValueInfoName(f.Bytes, what);
                    if (!initializerNames.Contains(inputName))
                    {
                        Declare(inputName);
                        _rawInputs.Add(f.Bytes.ToArray());
                    }

                    break;
                case 12:
                    outputs.Add(ValueInfoName(f.Bytes, what));
                    if (keepOutputs)
                    {
                        _rawOutputs.Add(f.Bytes.ToArray());
                    }

                    break;
                case 13:
                    _rawValueInfos.Add(f.Bytes.ToArray());
                    break;
                case 15:
                    throw new NotSupportedException($"{what}: sparse initializers are not supported.");
            }
        }

        return outputs;
    }

    /// <summary>
    /// <see cref="AddGraphOf"/> without copying the outputs, also returning each output's last dimension when it is fixed
    /// (the per-row feature size of a [batch, features] output).
    /// </summary>
    public (List<string> Outputs, List<long?> LastDims) AddGraphOfWithShapes(ReadOnlyMemory<byte> model, string what)
    {
        var names = AddGraphOf(model, keepOutputs: false, what).ToList();
        var dims = new List<long?>();
        ReadOnlyMemory<byte> graph = ProtoReader.Fields(model, what).First(f => f.Number == 7 && f.WireType == 2).Bytes;
        foreach (var f in ProtoReader.Fields(graph, what).Where(f => f.Number == 12 && f.WireType == 2))
        {
            long? last = null;
            var type = ProtoReader.Fields(f.Bytes, what).FirstOrDefault(g => g.Number == 2 && g.WireType == 2);
            var tensor = type.Bytes.IsEmpty ? default : ProtoReader.Fields(type.Bytes, what).FirstOrDefault(g => g.Number == 1 && g.WireType == 2);
            var shape = tensor.Bytes.IsEmpty ? default : ProtoReader.Fields(tensor.Bytes, what).FirstOrDefault(g => g.Number == 2 && g.WireType == 2);
            if (!shape.Bytes.IsEmpty)
            {
                var dimList = ProtoReader.Fields(shape.Bytes, what).Where(g => g.Number == 1 && g.WireType == 2).ToList();
                if (dimList.Count == 2)
                {
                    var value = ProtoReader.Fields(dimList[1].Bytes, what).FirstOrDefault(g => g.Number == 1 && g.WireType == 0);
                    last = value.Number == 1 ? (long)value.Varint : null;
                }
            }

            dims.Add(last);
        }

        return (names, dims);
    }

    /// <summary>Gets the default-domain opset version the model will import.</summary>
    public long DefaultDomainOpset(string what)
    {
        if (_rawOpsets is null)
        {
            return _opset;
        }

        foreach (var op in _rawOpsets)
        {
            var fields = ProtoReader.Fields(op, what);
            string domain = fields.Where(f => f.Number == 1 && f.WireType == 2).Select(f => f.AsString()).FirstOrDefault() ?? string.Empty;
            if (domain.Length == 0 || domain == "ai.onnx")
            {
                return fields.Where(f => f.Number == 2 && f.WireType == 0).Select(f => (long)f.Varint).FirstOrDefault();
            }
        }

        return 0;
    }

    private static string ValueInfoName(ReadOnlyMemory<byte> valueInfo, string what) =>
        ProtoReader.Fields(valueInfo, what).Where(g => g.Number == 1 && g.WireType == 2).Select(g => g.AsString()).FirstOrDefault()
            ?? throw new InvalidDataException($"{what}: a graph input or output has no name.");

    /// <summary>Adds a float graph input.</summary>
    public OnnxModelBuilder AddInput(string name, params OnnxDim[] shape)
    {
        Declare(name);
        _inputs.Add(ValueInfo(name, OnnxElementType.Float, shape));
        return this;
    }

    /// <summary>Adds a float graph output.</summary>
    public OnnxModelBuilder AddOutput(string name, params OnnxDim[] shape)
    {
        _outputs.Add(ValueInfo(name, OnnxElementType.Float, shape));
        return this;
    }

    /// <summary>Adds a float initializer (a constant tensor stored in the model as raw little-endian data).</summary>
    public OnnxModelBuilder AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long count = OnnxTensor.ElementCount(dims, nameof(dims));
        if (count != values.Length)
        {
            throw new ArgumentException($"Initializer '{name}' has {values.Length} values but shape {OnnxTensor.FormatShape(dims)} needs {count}.", nameof(values));
        }

        Declare(name);
        var t = new ProtoWriter();
        foreach (long d in dims)
        {
            t.WriteInt64(1, d); // dims
        }

        t.WriteInt64(2, (long)OnnxElementType.Float); // data_type
        t.WriteString(8, name); // name
        if (BitConverter.IsLittleEndian)
        {
            t.WriteBytes(9, MemoryMarshal.AsBytes(values)); // raw_data
        }
        else
        {
            byte[] raw = new byte[values.Length * sizeof(float)];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
            }

            t.WriteBytes(9, raw);
        }

        _initializers.Add(t);
        return this;
    }

    /// <summary>Adds an int64 initializer (shapes, axes, k of TopK), stored as raw little-endian data.</summary>
    public OnnxModelBuilder AddInt64Initializer(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long count = OnnxTensor.ElementCount(dims, nameof(dims));
        if (count != values.Length)
        {
            throw new ArgumentException($"Initializer '{name}' has {values.Length} values but shape {OnnxTensor.FormatShape(dims)} needs {count}.", nameof(values));
        }

        Declare(name);
        var t = new ProtoWriter();
        foreach (long d in dims)
        {
            t.WriteInt64(1, d); // dims
        }

        t.WriteInt64(2, (long)OnnxElementType.Int64); // data_type
        t.WriteString(8, name); // name
        byte[] raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        }

        t.WriteBytes(9, raw); // raw_data
        _initializers.Add(t);
        return this;
    }

    /// <summary>Adds a node of the default (ai.onnx) domain.</summary>
    public OnnxModelBuilder AddNode(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (string o in outputs)
        {
            Declare(o);
        }

        var n = new ProtoWriter();
        foreach (string i in inputs)
        {
            n.WriteString(1, i); // input
        }

        foreach (string o in outputs)
        {
            n.WriteString(2, o); // output
        }

        n.WriteString(3, $"{opType}_{_nodeCounter++}"); // name
        n.WriteString(4, opType); // op_type
        foreach (var a in attributes)
        {
            n.WriteMessage(5, a.WriteTo); // attribute
        }

        _nodes.Add(n);
        return this;
    }

    /// <summary>Serialises the model.</summary>
    public byte[] Build()
    {
        if (_outputs.Count == 0 && _rawOutputs.Count == 0)
        {
            throw new InvalidOperationException("The graph has no outputs.");
        }

        var graph = new ProtoWriter();
        foreach (var n in _rawNodes)
        {
            graph.WriteBytes(1, n);
        }

        foreach (var n in _nodes)
        {
            graph.WriteMessage(1, n); // node
        }

        graph.WriteString(2, _graphName); // name
        foreach (var t in _rawInitializers)
        {
            graph.WriteBytes(5, t);
        }

        foreach (var t in _initializers)
        {
            graph.WriteMessage(5, t); // initializer
        }

        if (DocString is not null)
        {
            graph.WriteString(10, DocString); // doc_string
        }

        foreach (var i in _rawInputs)
        {
            graph.WriteBytes(11, i);
        }

        foreach (var i in _inputs)
        {
            graph.WriteMessage(11, i); // input
        }

        foreach (var o in _rawOutputs)
        {
            graph.WriteBytes(12, o);
        }

        foreach (var o in _outputs)
        {
            graph.WriteMessage(12, o); // output
        }

        foreach (var v in _rawValueInfos)
        {
            graph.WriteBytes(13, v); // value_info
        }

        var model = new ProtoWriter();
        model.WriteInt64(1, ModelIrVersion); // ir_version
        model.WriteString(2, ProducerName); // producer_name
        model.WriteString(3, typeof(OnnxModelBuilder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"); // producer_version
        model.WriteMessage(7, graph); // graph
        if (_rawOpsets is not null)
        {
            foreach (var op in _rawOpsets)
            {
                model.WriteBytes(8, op);
            }
        }
        else
        {
            model.WriteMessage(8, op => // opset_import: domain = 1 (empty = ai.onnx), version = 2
            {
                op.WriteString(1, string.Empty);
                op.WriteInt64(2, _opset);
            });
        }
        return model.ToArray();
    }

    private void Declare(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already defined in the graph.", nameof(name));
        }
    }

    /// <summary>ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_value = 1 | dim_param = 2 } } } } }.</summary>
    private static ProtoWriter ValueInfo(string name, OnnxElementType type, OnnxDim[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        var v = new ProtoWriter();
        v.WriteString(1, name);
        v.WriteMessage(2, typeProto => typeProto.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, (long)type);
            tensor.WriteMessage(2, shapeProto =>
            {
                foreach (var d in shape)
                {
                    shapeProto.WriteMessage(1, dim =>
                    {
                        if (d.Param is not null)
                        {
                            dim.WriteString(2, d.Param);
                        }
                        else
                        {
                            dim.WriteInt64(1, d.Value);
                        }
                    });
                }
            });
        }));
        return v;
    }
}
