using System.IO.Compression;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Tests.Codecs;

public class IdxLimitsTests
{
    [Fact]
    public void ItemsTimesDimsOverMaxElements_IsRefusedFromTheHeader()
    {
        // 2000 items × 28 × 28 = 1,568,000 elements against a cap of 1,000,000: refused before any element is read.
        byte[] header = [0, 0, 8, 3, 0, 0, 0x07, 0xD0, 0, 0, 0, 28, 0, 0, 0, 28];
        var limits = new ImageLimits { MaxElements = 1_000_000 };
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(header), "big.idx", limits));
        Assert.Contains("IDX array of shape [2000, 28, 28] has 1568000 elements, more than ImageLimits.MaxElements = 1000000", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("big.idx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GzipBombUnderALyingHeader_IsRefusedByTheDefaultCap()
    {
        // A gzip stream whose header claims 2,147,483,392 one-byte labels: over the default 2^30 elements.
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write([0, 0, 8, 1, 0x7F, 0xFF, 0xFF, 0x00]);
            gz.Write(new byte[1 << 16]);
        }

        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(ms.ToArray()), "bomb.idx.gz", new ImageLimits { MaxItems = int.MaxValue }));
        Assert.Contains("ImageLimits.MaxElements", e.Message, StringComparison.Ordinal);
    }
}
