using System.Buffers.Binary;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Tests.Codecs;

/// <summary>Decodes fixtures made by ImageMagick and Pillow and compares every pixel with ImageMagick's own decoding.</summary>
public class PngConformanceTests
{
    internal static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "png");

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string line in File.ReadAllLines(Path.Combine(Folder, "manifest.txt")).Where(l => l.Length > 0))
        {
            data.Add(line);
        }

        return data;
    }

    [Fact]
    public void ManifestCoversEveryColourTypeDepthAndInterlace()
    {
        var entries = File.ReadAllLines(Path.Combine(Folder, "manifest.txt")).Where(l => l.Length > 0)
            .Select(l => l.Split(' ')).Select(p => (Depth: int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture), Type: int.Parse(p[4], System.Globalization.CultureInfo.InvariantCulture), Interlace: p[5] == "1")).ToList();
        foreach (var (type, depths) in new[] { (0, new[] { 1, 2, 4, 8, 16 }), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16]) })
        {
            foreach (int d in depths)
            {
                Assert.Contains(entries, e => e.Type == type && e.Depth == d);
            }

            Assert.Contains(entries, e => e.Type == type && e.Interlace);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodesLikeImageMagick(string manifestLine)
    {
        string[] p = manifestLine.Split(' ');
        string name = p[0];
        int w = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture);
        int h = int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture);
        var img = Png.Decode(File.ReadAllBytes(Path.Combine(Folder, name + ".png")), name, null, out var info);
        Assert.Equal(w, img.Width);
        Assert.Equal(h, img.Height);
        Assert.Equal(int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture), info.BitDepth);
        Assert.Equal(int.Parse(p[4], System.Globalization.CultureInfo.InvariantCulture), info.ColorType);
        Assert.Equal(p[5] == "1", info.Interlaced);

        byte[] expected = File.ReadAllBytes(Path.Combine(Folder, name + ".rgba16"));
        Assert.Equal(w * h * 8, expected.Length);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                var rgba = ToRgba16(img, x, y);
                for (int c = 0; c < 4; c++)
                {
                    int e = BinaryPrimitives.ReadUInt16BigEndian(expected.AsSpan((((y * w) + x) * 8) + (2 * c)));
                    if (e != rgba[c])
                    {
                        Assert.Fail($"{name}: pixel ({x}, {y}) channel {c}: expected {e}, decoded {rgba[c]}.");
                    }
                }
            }
        }

        // Re-encoding what was decoded at 16 bits and decoding again is lossless.
        var again = Png.Decode(Png.Encode(img, new PngWriteOptions { BitDepth = 16 }));
        Assert.Equal(img.Data.Select(v => Image.Quantize(v, 65535)), again.Data.Select(v => Image.Quantize(v, 65535)));
    }

    internal static int[] ToRgba16(Image img, int x, int y)
    {
        int q(int c) => Image.Quantize(img[x, y, c], 65535);
        return img.Channels switch
        {
            1 => [q(0), q(0), q(0), 65535],
            2 => [q(0), q(0), q(0), q(1)],
            3 => [q(0), q(1), q(2), 65535],
            _ => [q(0), q(1), q(2), q(3)],
        };
    }
}
