using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Tests.Codecs;

public class IdxTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsBytes(bool gzip)
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 7)).ToArray();
        using var ms = new MemoryStream();
        Idx.WriteBytes(ms, [2, 3, 4], data, gzip);
        var bytes = ms.ToArray();
        Assert.Equal(gzip, bytes[0] == 0x1f && bytes[1] == 0x8b);
        var arr = Idx.Read(new MemoryStream(bytes));
        Assert.Equal(IdxDataType.UInt8, arr.DataType);
        Assert.Equal([2, 3, 4], arr.Shape);
        Assert.Equal(data, arr.Bytes);
    }

    [Fact]
    public void ReadsBigEndianInt32AndFloat()
    {
        byte[] i32 = [0, 0, 0x0C, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0];
        var a = Idx.Read(new MemoryStream(i32));
        Assert.Equal([-2.0, 256.0], a.Values);
        byte[] f32 = [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0];
        Assert.Equal(1.5, Idx.Read(new MemoryStream(f32))[0]);
    }

    [Fact]
    public void TruncatedRawFileIsInvalidData()
    {
        byte[] bad = [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3];
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(bad), "t.idx"));
        Assert.Contains("t.idx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("7840", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LyingGzipHeaderFailsWithoutHugeAllocation()
    {
        // Header claims 1,000,000 images of 28×28 (784 MB); actual payload is tiny.
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, true))
        {
            gz.Write([0, 0, 8, 3, 0x00, 0x0F, 0x42, 0x40, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        }

        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(ms.ToArray()), "lie.gz"));
        Assert.Contains("Unexpected end", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1 }, "magic")]
    [InlineData(new byte[] { 0, 0, 7, 1 }, "type")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "dimension count")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1 }, "too large")]
    public void BadHeaders(byte[] data, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(data)));
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}
