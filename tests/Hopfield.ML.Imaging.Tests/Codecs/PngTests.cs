using System.Buffers.Binary;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Tests.Codecs;

public class PngTests
{
    internal static Image RandomImage(int w, int h, int c, int depth, int seed)
    {
        var rng = new Random(seed);
        int max = (1 << depth) - 1;
        var img = new Image(w, h, c);
        for (int i = 0; i < img.Data.Length; i++)
        {
            // Smooth-ish content so filters matter, plus noise.
            int v = ((i / c % w) * 3 + (i / c / w) * 5 + rng.Next(0, 3)) % (max + 1);
            img.Data[i] = v / (float)max;
        }

        return img;
    }

    public static TheoryData<int, int, bool, int> RoundTripCases()
    {
        var data = new TheoryData<int, int, bool, int>();
        foreach (int c in new[] { 1, 2, 3, 4 })
        {
            foreach (int d in c == 1 ? new[] { 1, 2, 4, 8, 16 } : [8, 16])
            {
                foreach (bool il in new[] { false, true })
                {
                    foreach (int f in new[] { -1, 0, 1, 2, 3, 4 })
                    {
                        data.Add(c, d, il, f);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void RoundTripsExactly(int channels, int depth, bool interlace, int filter)
    {
        foreach (var (w, h) in new[] { (1, 1), (3, 5), (17, 9), (8, 8) })
        {
            var img = RandomImage(w, h, channels, depth, w * 31 + h);
            var bytes = Png.Encode(img, new PngWriteOptions { BitDepth = depth, Interlace = interlace, Filter = (PngFilterStrategy)filter });
            var back = Png.Decode(bytes, null, null, out var info);
            Assert.Equal(interlace, info.Interlaced);
            Assert.Equal(depth, info.BitDepth);
            Assert.Equal(channels, back.Channels);
            Assert.Equal(img.Data, back.Data);
        }
    }

    [Fact]
    public void AdaptiveFilteringUsesSeveralFiltersAndCompressesBetterThanNone()
    {
        var img = new Image(64, 64, 3);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                img[x, y, 0] = x / 63f;
                img[x, y, 1] = y / 63f;
                img[x, y, 2] = ((x * y) % 7) / 6f;
            }
        }

        var adaptive = Png.Encode(img);
        var none = Png.Encode(img, new PngWriteOptions { Filter = PngFilterStrategy.None });
        Assert.True(adaptive.Length < none.Length, $"adaptive {adaptive.Length} vs none {none.Length}");
        Assert.Equal(img.ToBytes(), Png.Decode(adaptive).ToBytes());
    }

    [Fact]
    public void WrittenFileHasValidStructure()
    {
        var bytes = Png.Encode(RandomImage(5, 4, 3, 8, 1));
        Assert.True(Png.IsPng(bytes));
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal("IEND"u8.ToArray(), bytes[^8..^4]);
    }

    [Fact]
    public void RejectsUnsupportedWriteDepth() =>
        Assert.Throws<ArgumentException>(() => Png.Encode(new Image(2, 2, 3), new PngWriteOptions { BitDepth = 4 }));

    [Fact]
    public void BadCrcNamesChunkAndFile()
    {
        var bytes = Png.Encode(RandomImage(5, 4, 1, 8, 2));
        bytes[20] ^= 1; // inside IHDR width
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(bytes, "bad.png"));
        Assert.Contains("bad.png", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CRC", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IHDR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsurdDimensionsRejectedBeforeAllocation()
    {
        var bytes = Png.Encode(RandomImage(5, 4, 1, 8, 3));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 1_000_000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 1_000_000);
        Fix(bytes, 8);
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(bytes, "huge.png"));
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZipBombIsCappedByHeader()
    {
        // A 4×4 grey header with an IDAT that inflates to 10 MB of zeros: decoding must only inflate 20 bytes.
        var payload = new byte[10_000_000];
        using var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.SmallestSize, true))
        {
            zs.Write(payload);
        }

        var png = BuildPng(4, 4, 8, 0, z.ToArray());
        var img = Png.Decode(png, "bomb.png");
        Assert.All(img.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TruncatedImageDataIsReported()
    {
        using var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Fastest, true))
        {
            zs.Write(new byte[10]);
        }

        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(BuildPng(4, 4, 8, 0, z.ToArray()), "short.png"));
        Assert.Contains("10 of 20", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingIendAndBadFilterAreReported()
    {
        var bytes = Png.Encode(RandomImage(5, 4, 1, 8, 4));
        Assert.Contains("IEND", Assert.Throws<InvalidDataException>(() => Png.Decode(bytes.AsSpan(0, bytes.Length - 12))).Message, StringComparison.Ordinal);

        using var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Fastest, true))
        {
            zs.Write([9, 0, 0, 0, 0]);
        }

        Assert.Contains("filter type 9", Assert.Throws<InvalidDataException>(() => Png.Decode(BuildPng(4, 1, 8, 0, z.ToArray()))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileRoundTripAndMissingFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hopfield-{Guid.NewGuid():N}.png");
        try
        {
            var img = RandomImage(7, 3, 4, 8, 5);
            Png.Write(img, path);
            Assert.Equal(img.Data, Png.Read(path).Data);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Throws<FileNotFoundException>(() => Png.Read(path));
    }

    internal static byte[] BuildPng(int w, int h, int depth, int colorType, byte[] zlib)
    {
        using var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", zlib);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    internal static void Chunk(Stream s, string type, byte[] body)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, body.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        s.Write(head);
        s.Write(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(head.AsSpan(4), body));
        s.Write(crc);
    }

    /// <summary>Recomputes the CRC of the chunk starting at <paramref name="offset"/>.</summary>
    internal static void Fix(byte[] png, int offset)
    {
        int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(offset + 8 + len), Crc32.Compute(png.AsSpan(offset + 4, 4), png.AsSpan(offset + 8, len)));
    }
}

/// <summary>
/// When HOPFIELD_PNG_OUT names a folder, writes PNGs in every writer configuration plus the expected pixels
/// (RGBA, 16-bit big-endian, like Fixtures/make_fixtures.py) so Fixtures/check_writer.sh can decode them with
/// ImageMagick and compare. Without the variable the test only checks that the files are produced in memory.
/// </summary>
public class PngWriterExternalCheck
{
    [Fact]
    public void WritesFilesForExternalDecoders()
    {
        string? dir = Environment.GetEnvironmentVariable("HOPFIELD_PNG_OUT");
        foreach (int c in new[] { 1, 2, 3, 4 })
        {
            foreach (int d in c == 1 ? new[] { 1, 2, 4, 8, 16 } : [8, 16])
            {
                foreach (bool il in new[] { false, true })
                {
                    var img = PngTests.RandomImage(13, 11, c, d, (c * 100) + d);
                    var bytes = Png.Encode(img, new PngWriteOptions { BitDepth = d, Interlace = il });
                    Assert.True(bytes.Length > 50);
                    if (dir is null)
                    {
                        continue;
                    }

                    string name = $"w_c{c}_d{d}{(il ? "_i" : string.Empty)}";
                    File.WriteAllBytes(Path.Combine(dir, name + ".png"), bytes);
                    var expected = new byte[13 * 11 * 8];
                    for (int y = 0; y < 11; y++)
                    {
                        for (int x = 0; x < 13; x++)
                        {
                            var rgba = PngConformanceTests.ToRgba16(img, x, y);
                            for (int k = 0; k < 4; k++)
                            {
                                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(expected.AsSpan((((y * 13) + x) * 8) + (2 * k)), (ushort)rgba[k]);
                            }
                        }
                    }

                    File.WriteAllBytes(Path.Combine(dir, name + ".expected.rgba16"), expected);
                }
            }
        }
    }
}

public class PngBadInputTests
{
    private static byte[] Zlib(params byte[] raw)
    {
        using var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Fastest, true))
        {
            zs.Write(raw);
        }

        return z.ToArray();
    }

    private static byte[] Build(int w, int h, int depth, int type, params (string Type, byte[] Body)[] extra)
    {
        var basic = PngTests.BuildPng(w, h, depth, type, []);
        using var ms = new MemoryStream();
        ms.Write(basic, 0, 8 + 25); // signature + IHDR
        foreach (var (t, b) in extra)
        {
            PngTests.Chunk(ms, t, b);
        }

        PngTests.Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(3, 8, "PLTE")]
    [InlineData(2, 4, "colour type 2 with bit depth 4")]
    [InlineData(7, 8, "colour type 7")]
    [InlineData(3, 16, "colour type 3 with bit depth 16")]
    public void InvalidHeaderCombinations(int type, int depth, string expected)
    {
        var png = Build(2, 1, depth, type, ("IDAT", Zlib(0, 0, 0)));
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(png, "c.png"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PaletteIndexOutOfRange()
    {
        var png = Build(2, 1, 8, 3, ("PLTE", [1, 2, 3, 4, 5, 6]), ("IDAT", Zlib(0, 1, 2)));
        Assert.Contains("Palette index 2", Assert.Throws<InvalidDataException>(() => Png.Decode(png)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PaletteAndTransparencyDecode()
    {
        var png = Build(2, 1, 8, 3, ("PLTE", [255, 0, 0, 0, 0, 255]), ("tRNS", [128]), ("IDAT", Zlib(0, 0, 1)));
        var img = Png.Decode(png);
        Assert.Equal(4, img.Channels);
        Assert.Equal([1f, 0f, 0f, 128 / 255f, 0f, 0f, 1f, 1f], img.Data);
    }

    [Fact]
    public void UnknownCriticalChunkAndBadTrns()
    {
        Assert.Contains("critical chunk 'ABCD'", Assert.Throws<InvalidDataException>(() => Png.Decode(Build(1, 1, 8, 0, ("ABCD", []), ("IDAT", Zlib(0, 0))))).Message, StringComparison.Ordinal);
        Png.Decode(Build(1, 1, 8, 0, ("abCD", [1, 2]), ("IDAT", Zlib(0, 0)))); // ancillary: ignored
        Assert.Contains("tRNS", Assert.Throws<InvalidDataException>(() => Png.Decode(Build(1, 1, 8, 0, ("tRNS", [1]), ("IDAT", Zlib(0, 0))))).Message, StringComparison.Ordinal);
        Assert.Contains("tRNS", Assert.Throws<InvalidDataException>(() => Png.Decode(Build(1, 1, 8, 6, ("tRNS", [1, 2]), ("IDAT", Zlib(0, 0, 0, 0, 0))))).Message, StringComparison.Ordinal);
        Assert.Contains("No IDAT", Assert.Throws<InvalidDataException>(() => Png.Decode(Build(1, 1, 8, 0))).Message, StringComparison.Ordinal);
        Assert.Contains("signature", Assert.Throws<InvalidDataException>(() => Png.Decode("GIF89a.."u8)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomLimitsApply()
    {
        var png = Png.Encode(new Image(50, 50, 1));
        Assert.Contains("MaxPixels", Assert.Throws<InvalidDataException>(() => Png.Decode(png, "l.png", new ImageLimits { MaxPixels = 2000 })).Message, StringComparison.Ordinal);
        Assert.Equal(2500, Png.Decode(png, null, new ImageLimits { MaxPixels = 2500 }).PixelCount);
    }
}
