using Hopfield.ML.Onnx.Export;

namespace Hopfield.ML.Onnx.Tests.Export;

public class ProtoWriterTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varint_MatchesProtobufEncoding(ulong value, byte[] expected)
    {
        var w = new ProtoWriter();
        w.WriteVarint(value);
        Assert.Equal(expected, w.ToArray());
    }

    [Fact]
    public void NegativeInt64_TakesTenBytes()
    {
        var w = new ProtoWriter();
        w.WriteInt64(3, -1);
        Assert.Equal(new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, w.ToArray());
    }

    [Fact]
    public void StringAndFloatFields_UseLengthDelimitedAndFixed32()
    {
        var w = new ProtoWriter();
        w.WriteString(1, "ab");
        w.WriteFloat(2, 1f);
        Assert.Equal(new byte[] { 0x0A, 0x02, (byte)'a', (byte)'b', 0x15, 0x00, 0x00, 0x80, 0x3F }, w.ToArray());
    }

    [Fact]
    public void NestedMessage_IsLengthPrefixed()
    {
        var w = new ProtoWriter();
        w.WriteMessage(7, inner => inner.WriteInt64(1, 150));
        Assert.Equal(new byte[] { 0x3A, 0x03, 0x08, 0x96, 0x01 }, w.ToArray());
    }

    [Fact]
    public void Builder_RejectsDuplicateNamesAndWrongInitializerSize()
    {
        var b = new OnnxModelBuilder();
        b.AddInput("x", "batch", 2);
        Assert.Throws<ArgumentException>(() => b.AddInitializer("x", [1f, 2f], 2));
        var e = Assert.Throws<ArgumentException>(() => b.AddInitializer("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => b.Build());
    }
}
