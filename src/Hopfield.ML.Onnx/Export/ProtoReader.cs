using System.Text;

namespace Hopfield.ML.Onnx.Export;

/// <summary>One field of a protobuf message: its number, wire type, and varint value or length-delimited bytes.</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)
{
    public string AsString() => Encoding.UTF8.GetString(Bytes.Span);
}

/// <summary>Splits protobuf wire-format messages into their fields (enough to re-compose ONNX graphs).</summary>
internal static class ProtoReader
{
    public static List<ProtoField> Fields(ReadOnlyMemory<byte> message, string what)
    {
        var fields = new List<ProtoField>();
        var span = message.Span;
        int pos = 0;
        while (pos < span.Length)
        {
            ulong tag = ReadVarint(span, ref pos, what);
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    fields.Add(new ProtoField(number, wire, ReadVarint(span, ref pos, what), default));
                    break;
                case 1:
                    Need(span, pos, 8, what);
                    fields.Add(new ProtoField(number, wire, 0, message.Slice(pos, 8)));
                    pos += 8;
                    break;
                case 2:
                    ulong len = ReadVarint(span, ref pos, what);
                    if (len > (ulong)(span.Length - pos))
                    {
                        throw new InvalidDataException($"{what}: a length-delimited field runs past the end of the message.");
                    }

                    fields.Add(new ProtoField(number, wire, 0, message.Slice(pos, (int)len)));
                    pos += (int)len;
                    break;
                case 5:
                    Need(span, pos, 4, what);
                    fields.Add(new ProtoField(number, wire, 0, message.Slice(pos, 4)));
                    pos += 4;
                    break;
                default:
                    throw new InvalidDataException($"{what}: unsupported protobuf wire type {wire}.");
            }
        }

        return fields;
    }

    private static void Need(ReadOnlySpan<byte> span, int pos, int count, string what)
    {
        if (span.Length - pos < count)
        {
            throw new InvalidDataException($"{what}: truncated protobuf message.");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int pos, string what)
    {
        if (TryReadVarint(span, ref pos, out ulong value))
        {
            return value;
        }

        throw new InvalidDataException(pos >= span.Length
            ? $"{what}: truncated protobuf varint."
            : $"{what}: malformed protobuf varint.");
    }

    /// <summary>Decodes a varint at <paramref name="pos"/>; false when it is truncated or longer than 64 bits.</summary>
    /// <param name="span">The message.</param>
    /// <param name="pos">Where the varint starts; advanced past what was read.</param>
    /// <param name="value">The value.</param>
    /// <returns>Whether a whole varint was read.</returns>
    public static bool TryReadVarint(ReadOnlySpan<byte> span, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && pos < span.Length; shift += 7)
        {
            byte b = span[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
