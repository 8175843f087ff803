namespace Hopfield.ML.Imaging.Tests;

public class ImageTests
{
    [Fact]
    public void IndexerIsHwcInterleaved()
    {
        var img = new Image(3, 2, 3);
        img[2, 1, 1] = 0.5f;
        Assert.Equal(0.5f, img.Data[((1 * 3) + 2) * 3 + 1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => img[3, 0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => img[0, 0, 3]);
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 5)]
    [InlineData(1, 1, 0)]
    public void RejectsBadShapes(int w, int h, int c) => Assert.ThrowsAny<ArgumentException>(() => new Image(w, h, c, new float[Math.Max(0, w * h * c)]));

    [Fact]
    public void RejectsWrongDataLength() => Assert.Throws<ArgumentException>(() => new Image(2, 2, 1, new float[3]));

    [Fact]
    public void BytesRoundTrip()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var img = Image.FromBytes(16, 16, 1, bytes);
        Assert.Equal(bytes, img.ToBytes());
    }

    [Fact]
    public void LimitsCheckedBeforeAllocation()
    {
        var limits = new ImageLimits { MaxPixels = 100 };
        var ex = Assert.Throws<InvalidDataException>(() => limits.Check(11, 10, 1, "x.png"));
        Assert.Contains("x.png", ex.Message, StringComparison.Ordinal);
        Assert.Contains("110", ex.Message, StringComparison.Ordinal);
        limits.Check(10, 10, 1, null);
        Assert.Throws<InvalidDataException>(() => ImageLimits.Default.Check(20_000, 20_000, 1, null));
        Assert.Throws<InvalidDataException>(() => ImageLimits.Default.Check(0, 5, 1, null));
        Assert.Equal(100_000_000, ImageLimits.Default.MaxPixels);
    }
}
