using System.Text;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Tests.Codecs;

public class PnmTests
{
    [Theory]
    [InlineData(PnmFormat.AsciiGreymap, 255)]
    [InlineData(PnmFormat.Greymap, 255)]
    [InlineData(PnmFormat.Greymap, 65535)]
    [InlineData(PnmFormat.AsciiGreymap, 1000)]
    [InlineData(PnmFormat.Greymap, 15)]
    public void GreyRoundTrip(PnmFormat format, int maxval)
    {
        var img = PngTests.RandomImage(9, 5, 1, 8, 1);
        for (int i = 0; i < img.Data.Length; i++)
        {
            img.Data[i] = Image.Quantize(img.Data[i], maxval) / (float)maxval;
        }

        var back = Pnm.Decode(Pnm.Encode(img, format, maxval));
        Assert.Equal(img.Data, back.Data);
    }

    [Theory]
    [InlineData(PnmFormat.AsciiPixmap, 255)]
    [InlineData(PnmFormat.Pixmap, 255)]
    [InlineData(PnmFormat.Pixmap, 65535)]
    public void ColourRoundTrip(PnmFormat format, int maxval)
    {
        var img = PngTests.RandomImage(7, 3, 3, 8, 2);
        var back = Pnm.Decode(Pnm.Encode(img, format, maxval));
        Assert.Equal(3, back.Channels);
        Assert.Equal(img.Data.Select(v => Image.Quantize(v, maxval)), back.Data.Select(v => Image.Quantize(v, maxval)));
    }

    [Theory]
    [InlineData(PnmFormat.AsciiBitmap)]
    [InlineData(PnmFormat.Bitmap)]
    public void BitmapRoundTrip(PnmFormat format)
    {
        var img = PngTests.RandomImage(11, 3, 1, 1, 3);
        Assert.Equal(img.Data, Pnm.Decode(Pnm.Encode(img, format)).Data);
    }

    [Fact]
    public void ParsesCommentsAndPbmPolarity()
    {
        var img = Pnm.Decode(Encoding.ASCII.GetBytes("P1\n# a comment\n3 # width\n2\n1 0 1\n010"));
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 1f], img.Data);
        var g = Pnm.Decode(Encoding.ASCII.GetBytes("P2 2 1 # c\n 4 0 4"));
        Assert.Equal([0f, 1f], g.Data);
        var p5 = Pnm.Decode([.. Encoding.ASCII.GetBytes("P5\n#x\n2 1\n65535\n"), 0xff, 0xff, 0x80, 0x00]);
        Assert.Equal([1f, 32768 / 65535f], p5.Data);
    }

    [Fact]
    public void DecodesImageMagickPgmAndPpm()
    {
        // Twins made by ImageMagick from the PNG fixtures (see Fixtures/make_fixtures.py).
        string folder = PngConformanceTests.Folder;
        var pgm = Pnm.Read(Path.Combine(folder, "..", "pnm", "im_grey16.pgm"));
        var png = Png.Read(Path.Combine(folder, "im_grey16.png"));
        Assert.Equal(png.Data, pgm.Data);
        var ppm = Pnm.Read(Path.Combine(folder, "..", "pnm", "im_rgb8.ppm"));
        Assert.Equal(Png.Read(Path.Combine(folder, "im_rgb8.png")).Data, ppm.Data);
        var pbm = Pnm.Read(Path.Combine(folder, "..", "pnm", "im_grey1.pbm"));
        Assert.Equal(Png.Read(Path.Combine(folder, "im_grey1.png")).Data, pbm.Data);
    }

    [Theory]
    [InlineData("P7 1 1 255\n", "magic")]
    [InlineData("P5 2 2 255\nab", "truncated")]
    [InlineData("P5 2 2 70000\n", "Maxval")]
    [InlineData("P2 2 1 3\n1 9", "above maxval")]
    [InlineData("P5 99999999 99999999 255\n", "exceed")]
    [InlineData("P3 1", "end of file")]
    [InlineData("P5 0 1 255\n", "dimensions")]
    public void BadInput(string text, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Pnm.Decode(Encoding.ASCII.GetBytes(text), "x.pgm"));
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("x.pgm", ex.Message, StringComparison.Ordinal);
    }
}
