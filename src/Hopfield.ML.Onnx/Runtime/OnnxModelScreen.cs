using System.Globalization;
using System.Text;
using Hopfield.ML.Onnx.Export;

namespace Hopfield.ML.Onnx.Runtime;

/// <summary>
/// Refuses, before ONNX Runtime sees them, models whose operator attributes would make the native library divide by zero
/// and kill the process (fuzzing found a <c>Conv</c> with a stride of 0 doing exactly that in ONNX Runtime 1.22): strides,
/// dilations, kernel shapes, groups, block sizes and LRN sizes must be ≥ 1, as the ONNX specification requires. The walk
/// covers the main graph, nested graphs (If/Loop/Scan bodies) and model-local functions. Anything it cannot parse is left
/// to ONNX Runtime, which reports malformed protobuf itself; that is why it walks the span by offsets with
/// <see cref="ProtoReader.TryReadVarint"/> instead of <see cref="ProtoReader.Fields"/>, which throws on malformed input and
/// needs the bytes as memory.
/// </summary>
internal static class OnnxModelScreen
{
    private const int MaxDepth = 64;

    private static readonly HashSet<string> ConvOrPool = new(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv", "NhwcConv", "FusedConv",
        "MaxPool", "AveragePool", "LpPool", "MaxUnpool", "MaxRoiPool", "Col2Im", "QLinearAveragePool",
    };

    private static readonly Dictionary<string, string[]> PositiveAttributes = new(StringComparer.Ordinal)
    {
        ["SpaceToDepth"] = ["blocksize"],
        ["DepthToSpace"] = ["blocksize"],
        ["LRN"] = ["size"],
    };

    private static readonly string[] ConvOrPoolAttributes = ["strides", "dilations", "kernel_shape", "group"];

    /// <summary>Throws when an attribute value would crash ONNX Runtime.</summary>
    /// <param name="model">The serialised <c>ModelProto</c>.</param>
    /// <exception cref="OnnxRuntimeException">Code <see cref="OnnxErrorCode.InvalidGraph"/>: a node has a zero or negative
    /// stride, dilation, kernel size, group, block size or LRN size, or graphs are nested more than 64 deep.</exception>
    public static void Check(ReadOnlySpan<byte> model)
    {
        foreach (var f in Fields(model))
        {
            if (f.Wire == 2 && f.Number == 7)
            {
                CheckGraph(model[f.Bytes], nodeField: 1, depth: 0);
            }
            else if (f.Wire == 2 && f.Number == 25)
            {
                CheckGraph(model[f.Bytes], nodeField: 7, depth: 0); // FunctionProto.node
            }
        }
    }

    private static void CheckGraph(ReadOnlySpan<byte> graph, int nodeField, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new OnnxRuntimeException(OnnxErrorCode.InvalidGraph, $"The model nests graphs more than {MaxDepth} deep; refused before loading.");
        }

        foreach (var f in Fields(graph))
        {
            if (f.Wire == 2 && f.Number == nodeField)
            {
                CheckNode(graph[f.Bytes], depth);
            }
        }
    }

    private static void CheckNode(ReadOnlySpan<byte> node, int depth)
    {
        string op = string.Empty, name = string.Empty;
        var fields = Fields(node);
        foreach (var f in fields)
        {
            if (f.Wire == 2 && f.Number == 4)
            {
                op = Encoding.UTF8.GetString(node[f.Bytes]);
            }
            else if (f.Wire == 2 && f.Number == 3)
            {
                name = Encoding.UTF8.GetString(node[f.Bytes]);
            }
        }

        string[] positive = ConvOrPool.Contains(op) ? ConvOrPoolAttributes : PositiveAttributes.GetValueOrDefault(op, []);
        foreach (var f in fields)
        {
            if (f.Wire == 2 && f.Number == 5)
            {
                CheckAttribute(node[f.Bytes], op, name, positive, depth);
            }
        }
    }

    private static void CheckAttribute(ReadOnlySpan<byte> attribute, string op, string node, string[] positive, int depth)
    {
        string name = string.Empty;
        var fields = Fields(attribute);
        foreach (var f in fields)
        {
            if (f.Wire == 2 && f.Number == 1)
            {
                name = Encoding.UTF8.GetString(attribute[f.Bytes]);
            }
        }

        bool mustBePositive = Array.IndexOf(positive, name) >= 0;
        foreach (var f in fields)
        {
            if (mustBePositive && f.Wire == 0 && (f.Number == 3 || f.Number == 8))
            {
                RequirePositive((long)f.Varint, op, node, name); // i, or one unpacked element of ints
            }
            else if (mustBePositive && f.Wire == 2 && f.Number == 8)
            {
                var packed = attribute[f.Bytes];
                int pos = 0;
                while (pos < packed.Length && ProtoReader.TryReadVarint(packed, ref pos, out ulong v))
                {
                    RequirePositive((long)v, op, node, name);
                }
            }
            else if (f.Wire == 2 && (f.Number == 6 || f.Number == 11))
            {
                CheckGraph(attribute[f.Bytes], nodeField: 1, depth + 1); // a subgraph: If/Loop/Scan bodies
            }
        }
    }

    private static void RequirePositive(long value, string op, string node, string attribute)
    {
        if (value < 1)
        {
            string where = node.Length > 0 ? $"node '{node}' ({op})" : $"a {op} node";
            throw new OnnxRuntimeException(
                OnnxErrorCode.InvalidGraph,
                string.Create(CultureInfo.InvariantCulture, $"{where} has {attribute} = {value}; the ONNX specification requires ≥ 1, and ONNX Runtime would divide by it. Refused before loading."));
        }
    }

    /// <summary>The fields of a protobuf message; stops quietly at the first malformed byte (ONNX Runtime reports those).</summary>
    private static List<ProtoSpanField> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoSpanField>();
        int pos = 0;
        while (pos < message.Length && ProtoReader.TryReadVarint(message, ref pos, out ulong tag))
        {
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0 when ProtoReader.TryReadVarint(message, ref pos, out ulong v):
                    fields.Add(new ProtoSpanField(number, wire, v, default));
                    break;
                case 1 when message.Length - pos >= 8:
                    pos += 8;
                    break;
                case 5 when message.Length - pos >= 4:
                    pos += 4;
                    break;
                case 2 when ProtoReader.TryReadVarint(message, ref pos, out ulong len) && len <= (ulong)(message.Length - pos):
                    fields.Add(new ProtoSpanField(number, wire, 0, new Range(pos, pos + (int)len))); // offsets: nothing is copied
                    pos += (int)len;
                    break;
                default:
                    return fields;
            }
        }

        return fields;
    }

    /// <summary>One protobuf field: number, wire type, varint value, and the offsets of a length-delimited payload.</summary>
    private readonly record struct ProtoSpanField(int Number, int Wire, ulong Varint, Range Bytes);
}
