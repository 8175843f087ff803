using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Hopfield.ML.Onnx.Export;

/// <summary>
/// Writes protocol-buffer wire format by hand: varints (wire type 0), fixed 32-bit (5) and
/// length-delimited fields (2). Nested messages are written to their own writer and embedded as bytes.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    internal int Length => _buffer.WrittenCount;

    internal ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    internal byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    internal void WriteVarint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _buffer.Advance(n);
    }

    internal void WriteTag(int field, int wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    /// <summary>An int64/int32/enum field; negative values take ten bytes as in protobuf.</summary>
    internal void WriteInt64(int field, long value)
    {
        WriteTag(field, 0);
        WriteVarint((ulong)value);
    }

    internal void WriteFloat(int field, float value)
    {
        WriteTag(field, 5);
        Span<byte> span = _buffer.GetSpan(4);
        BinaryPrimitives.WriteSingleLittleEndian(span, value);
        _buffer.Advance(4);
    }

    internal void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, 2);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    internal void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    internal void WriteMessage(int field, ProtoWriter message) => WriteBytes(field, message.WrittenSpan);

    internal void WriteMessage(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        WriteMessage(field, inner);
    }
}
