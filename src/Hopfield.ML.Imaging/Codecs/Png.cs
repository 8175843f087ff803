using System.Buffers.Binary;
using System.IO.Compression;

namespace Hopfield.ML.Imaging.Codecs;

/// <summary>How the PNG writer chooses the filter of each scanline.</summary>
public enum PngFilterStrategy
{
    /// <summary>Per row, the filter with the minimum sum of absolute differences (None for bit depths below 8).</summary>
    Adaptive = -1,

    /// <summary>Filter type 0 on every row.</summary>
    None = 0,

    /// <summary>Filter type 1 (Sub) on every row.</summary>
    Sub = 1,

    /// <summary>Filter type 2 (Up) on every row.</summary>
    Up = 2,

    /// <summary>Filter type 3 (Average) on every row.</summary>
    Average = 3,

    /// <summary>Filter type 4 (Paeth) on every row.</summary>
    Paeth = 4,
}

/// <summary>Options for <see cref="Png.Write(Image, string, PngWriteOptions?)"/>.</summary>
public sealed record PngWriteOptions
{
    /// <summary>Default options: 8 bits, adaptive filters, not interlaced, optimal compression.</summary>
    public static PngWriteOptions Default { get; } = new();

    /// <summary>Bits per sample: 8 or 16 for any image; also 1, 2 or 4 for single-channel (grey) images.</summary>
    public int BitDepth { get; init; } = 8;

    /// <summary>Write Adam7-interlaced.</summary>
    public bool Interlace { get; init; }

    /// <summary>Scanline filter choice.</summary>
    public PngFilterStrategy Filter { get; init; } = PngFilterStrategy.Adaptive;

    /// <summary>zlib compression level.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;
}

/// <summary>Header facts of a decoded PNG.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="BitDepth">Bits per sample (palette index bits for colour type 3).</param>
/// <param name="ColorType">PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA.</param>
/// <param name="Interlaced">Adam7 interlacing.</param>
/// <param name="HasTransparency">A tRNS chunk was present.</param>
public readonly record struct PngInfo(int Width, int Height, int BitDepth, int ColorType, bool Interlaced, bool HasTransparency);

/// <summary>
/// PNG decoder and encoder: every colour type (grey, RGB, palette, grey+alpha, RGBA), bit depths 1–16, tRNS
/// transparency, Adam7 interlacing, all five filters, CRC checked, zlib via <see cref="ZLibStream"/>.
/// </summary>
/// <remarks>
/// Decoded channel layout: grey → 1 channel; RGB and palette → 3; grey+alpha → 2; RGBA → 4. A tRNS chunk adds an
/// alpha channel (grey → 2, RGB/palette → 4) with 0 for the transparent colour/entries. Samples are divided by
/// <c>2^depth − 1</c> (palette entries by 255). Corrupt, truncated or over-limit input throws
/// <see cref="InvalidDataException"/> naming the file and the problem; decompression never inflates more bytes than
/// the header implies. Ancillary chunks (gAMA, cHRM, sRGB, iCCP, sBIT, bKGD, text, time, …) are CRC-checked and
/// otherwise ignored: no colour management or gamma correction is applied. The writer emits IHDR, one IDAT and IEND.
/// </remarks>
public static class Png
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    // Adam7: x start, y start, x step, y step.
    private static readonly int[][] Adam7 =
    [
        [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
    ];

    /// <summary>True when <paramref name="head"/> starts with the PNG signature.</summary>
    /// <param name="head">The first bytes of a file.</param>
    /// <returns>Whether it is a PNG.</returns>
    public static bool IsPng(ReadOnlySpan<byte> head) => head.Length >= 8 && head[..8].SequenceEqual(Signature);

    /// <summary>Reads a PNG file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">Size limits; <see cref="ImageLimits.Default"/> when null.</param>
    /// <returns>The image.</returns>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Corrupt, truncated or over-limit data (message names the file).</exception>
    public static Image Read(string path, ImageLimits? limits = null)
    {
        using var fs = StreamUtil.OpenRead(path);
        return Read(fs, path, limits);
    }

    /// <summary>Reads a PNG from a stream (read to the end).</summary>
    /// <param name="stream">The data.</param>
    /// <param name="source">Name for error messages; may be null.</param>
    /// <param name="limits">Size limits.</param>
    /// <returns>The image.</returns>
    public static Image Read(Stream stream, string? source = null, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Decode(ms.GetBuffer().AsSpan(0, (int)ms.Length), source, limits, out _);
    }

    /// <summary>Decodes PNG bytes.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="source">Name for error messages; may be null.</param>
    /// <param name="limits">Size limits.</param>
    /// <returns>The image.</returns>
    public static Image Decode(ReadOnlySpan<byte> data, string? source = null, ImageLimits? limits = null) => Decode(data, source, limits, out _);

    /// <summary>Decodes PNG bytes and reports the header.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="source">Name for error messages; may be null.</param>
    /// <param name="limits">Size limits.</param>
    /// <param name="info">Header facts.</param>
    /// <returns>The image.</returns>
    public static Image Decode(ReadOnlySpan<byte> data, string? source, ImageLimits? limits, out PngInfo info)
    {
        limits ??= ImageLimits.Default;
        if (!IsPng(data))
        {
            throw ImageFormatError.Create("Not a PNG file: signature mismatch.", source);
        }

        int pos = 8;
        int width = 0, height = 0, depth = 0, colorType = -1, interlace = 0;
        byte[]? palette = null;
        byte[]? trns = null;
        using var idat = new MemoryStream();
        bool seenIhdr = false, seenIend = false, idatDone = false;
        while (pos < data.Length)
        {
            if (data.Length - pos < 12)
            {
                throw ImageFormatError.Create($"Truncated chunk header at offset {pos}.", source);
            }

            uint len = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var type = data.Slice(pos + 4, 4);
            string typeName = ChunkName(type);
            if (len > int.MaxValue || len > data.Length - pos - 12)
            {
                throw ImageFormatError.Create($"Chunk '{typeName}' at offset {pos} declares length {len}, but only {data.Length - pos - 12} bytes remain.", source);
            }

            var body = data.Slice(pos + 8, (int)len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)len)..]);
            uint actual = Crc32.Compute(type, body);
            if (crc != actual)
            {
                throw ImageFormatError.Create($"CRC mismatch in chunk '{typeName}' at offset {pos}: stored {crc:x8}, computed {actual:x8}.", source);
            }

            pos += 12 + (int)len;
            if (!seenIhdr && typeName != "IHDR")
            {
                throw ImageFormatError.Create($"First chunk is '{typeName}', expected IHDR.", source);
            }

            switch (typeName)
            {
                case "IHDR":
                    if (seenIhdr)
                    {
                        throw ImageFormatError.Create("Duplicate IHDR chunk.", source);
                    }

                    if (len != 13)
                    {
                        throw ImageFormatError.Create($"IHDR length is {len}, expected 13.", source);
                    }

                    seenIhdr = true;
                    uint w = BinaryPrimitives.ReadUInt32BigEndian(body);
                    uint h = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                    depth = body[8];
                    colorType = body[9];
                    interlace = body[12];
                    if (body[10] != 0 || body[11] != 0 || interlace > 1)
                    {
                        throw ImageFormatError.Create($"Unsupported IHDR methods: compression {body[10]}, filter {body[11]}, interlace {interlace}.", source);
                    }

                    bool ok = colorType switch
                    {
                        0 => depth is 1 or 2 or 4 or 8 or 16,
                        3 => depth is 1 or 2 or 4 or 8,
                        2 or 4 or 6 => depth is 8 or 16,
                        _ => false,
                    };
                    if (!ok)
                    {
                        throw ImageFormatError.Create($"Invalid colour type {colorType} with bit depth {depth}.", source);
                    }

                    limits.Check(w, h, 4, source);
                    width = (int)w;
                    height = (int)h;
                    break;
                case "PLTE":
                    if (len % 3 != 0 || len == 0 || len > 768)
                    {
                        throw ImageFormatError.Create($"PLTE length {len} is not a multiple of 3 in 3..768.", source);
                    }

                    palette = body.ToArray();
                    break;
                case "tRNS":
                    int need = colorType switch { 0 => 2, 2 => 6, _ => -1 };
                    if (colorType is 4 or 6)
                    {
                        throw ImageFormatError.Create($"tRNS chunk is not allowed with colour type {colorType}.", source);
                    }

                    if ((need > 0 && len != need) || (colorType == 3 && (palette is null || len > palette.Length / 3)))
                    {
                        throw ImageFormatError.Create($"tRNS length {len} does not fit colour type {colorType}.", source);
                    }

                    trns = body.ToArray();
                    break;
                case "IDAT":
                    if (idatDone)
                    {
                        throw ImageFormatError.Create("IDAT chunks are not consecutive.", source);
                    }

                    idat.Write(body);
                    break;
                case "IEND":
                    seenIend = true;
                    break;
                default:
                    if ((type[0] & 0x20) == 0)
                    {
                        throw ImageFormatError.Create($"Unknown critical chunk '{typeName}'.", source);
                    }

                    break;
            }

            if (idat.Length > 0 && typeName != "IDAT")
            {
                idatDone = true;
            }

            if (seenIend)
            {
                break;
            }
        }

        if (!seenIhdr)
        {
            throw ImageFormatError.Create("Missing IHDR chunk.", source);
        }

        if (!seenIend)
        {
            throw ImageFormatError.Create("Missing IEND chunk (file truncated?).", source);
        }

        if (idat.Length == 0)
        {
            throw ImageFormatError.Create("No IDAT chunk.", source);
        }

        if (colorType == 3 && palette is null)
        {
            throw ImageFormatError.Create("Palette image without PLTE chunk.", source);
        }

        int samplesPerPixel = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int bitsPerPixel = samplesPerPixel * depth;
        int bpp = Math.Max(1, bitsPerPixel / 8);

        // Expected inflated size from the header; never inflate more than this.
        long expected = 0;
        foreach (var (pw, ph) in Passes(width, height, interlace == 1))
        {
            if (pw > 0 && ph > 0)
            {
                expected += ph * (1 + (((long)pw * bitsPerPixel) + 7) / 8);
            }
        }

        byte[] raw = StreamUtil.InflateZlib(idat.GetBuffer(), (int)idat.Length, expected, source);

        int outChannels = colorType switch
        {
            0 => trns is null ? 1 : 2,
            2 => trns is null ? 3 : 4,
            3 => trns is null ? 3 : 4,
            4 => 2,
            _ => 4,
        };
        var image = new Image(width, height, outChannels, limits);
        float[] dst = image.Data;
        float maxValue = (1 << depth) - 1;
        int trnsGrey = colorType == 0 && trns is not null ? BinaryPrimitives.ReadUInt16BigEndian(trns) : -1;
        int trR = -1, trG = -1, trB = -1;
        if (colorType == 2 && trns is not null)
        {
            trR = BinaryPrimitives.ReadUInt16BigEndian(trns);
            trG = BinaryPrimitives.ReadUInt16BigEndian(trns.AsSpan(2));
            trB = BinaryPrimitives.ReadUInt16BigEndian(trns.AsSpan(4));
        }

        int paletteEntries = palette is null ? 0 : palette.Length / 3;
        int offset = 0;
        int passIndex = 0;
        var samples = new int[samplesPerPixel];
        foreach (var (pw, ph) in Passes(width, height, interlace == 1))
        {
            int[] p = interlace == 1 ? Adam7[passIndex] : [0, 0, 1, 1];
            passIndex++;
            if (pw == 0 || ph == 0)
            {
                continue;
            }

            int rowBytes = (int)((((long)pw * bitsPerPixel) + 7) / 8);
            for (int r = 0; r < ph; r++)
            {
                int rowStart = offset + 1;
                int filter = raw[offset];
                Unfilter(filter, raw.AsSpan(rowStart, rowBytes), r == 0 ? default : raw.AsSpan(rowStart - 1 - rowBytes, rowBytes), bpp, source);
                int y = p[1] + (r * p[3]);
                for (int i = 0; i < pw; i++)
                {
                    int x = p[0] + (i * p[2]);
                    for (int s = 0; s < samplesPerPixel; s++)
                    {
                        samples[s] = ReadSample(raw, rowStart, (i * samplesPerPixel) + s, depth);
                    }

                    int o = ((y * width) + x) * outChannels;
                    switch (colorType)
                    {
                        case 0:
                            dst[o] = samples[0] / maxValue;
                            if (trns is not null)
                            {
                                dst[o + 1] = samples[0] == trnsGrey ? 0f : 1f;
                            }

                            break;
                        case 2:
                            dst[o] = samples[0] / maxValue;
                            dst[o + 1] = samples[1] / maxValue;
                            dst[o + 2] = samples[2] / maxValue;
                            if (trns is not null)
                            {
                                dst[o + 3] = samples[0] == trR && samples[1] == trG && samples[2] == trB ? 0f : 1f;
                            }

                            break;
                        case 3:
                            int idx = samples[0];
                            if (idx >= paletteEntries)
                            {
                                throw ImageFormatError.Create($"Palette index {idx} at ({x}, {y}) is outside the {paletteEntries}-entry palette.", source);
                            }

                            dst[o] = palette![3 * idx] / 255f;
                            dst[o + 1] = palette[(3 * idx) + 1] / 255f;
                            dst[o + 2] = palette[(3 * idx) + 2] / 255f;
                            if (trns is not null)
                            {
                                dst[o + 3] = (idx < trns.Length ? trns[idx] : 255) / 255f;
                            }

                            break;
                        default:
                            for (int s = 0; s < samplesPerPixel; s++)
                            {
                                dst[o + s] = samples[s] / maxValue;
                            }

                            break;
                    }
                }

                offset += 1 + rowBytes;
            }
        }

        info = new PngInfo(width, height, depth, colorType, interlace == 1, trns is not null);
        return image;
    }

    /// <summary>Writes an image as PNG (colour type from the channel count: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).</summary>
    /// <param name="image">The image; samples are clamped to [0, 1].</param>
    /// <param name="path">Destination file.</param>
    /// <param name="options">Bit depth, interlacing, filters; <see cref="PngWriteOptions.Default"/> when null.</param>
    public static void Write(Image image, string path, PngWriteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        Write(image, fs, options);
    }

    /// <summary>Writes an image as PNG to a stream.</summary>
    /// <param name="image">The image.</param>
    /// <param name="stream">Destination.</param>
    /// <param name="options">Options.</param>
    public static void Write(Image image, Stream stream, PngWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = Encode(image, options);
        stream.Write(bytes);
    }

    /// <summary>Encodes an image as PNG bytes.</summary>
    /// <param name="image">The image.</param>
    /// <param name="options">Options.</param>
    /// <returns>The file contents.</returns>
    public static byte[] Encode(Image image, PngWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= PngWriteOptions.Default;
        int depth = options.BitDepth;
        if (!(depth is 8 or 16 || (image.Channels == 1 && depth is 1 or 2 or 4)))
        {
            throw new ArgumentException($"Bit depth {depth} is not supported for {image.Channels}-channel images (use 8 or 16; 1, 2, 4 only for grey).", nameof(options));
        }

        if (options.Filter is < PngFilterStrategy.Adaptive or > PngFilterStrategy.Paeth)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Filter, "Unknown filter strategy.");
        }

        int colorType = image.Channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        int spp = image.Channels;
        int bitsPerPixel = spp * depth;
        int bpp = Math.Max(1, bitsPerPixel / 8);
        int max = (1 << depth) - 1;
        int w = image.Width, h = image.Height;

        using var zbuf = new MemoryStream();
        using (var z = new ZLibStream(zbuf, options.CompressionLevel, leaveOpen: true))
        {
            int passIndex = 0;
            foreach (var (pw, ph) in Passes(w, h, options.Interlace))
            {
                int[] p = options.Interlace ? Adam7[passIndex] : [0, 0, 1, 1];
                passIndex++;
                if (pw == 0 || ph == 0)
                {
                    continue;
                }

                int rowBytes = (int)((((long)pw * bitsPerPixel) + 7) / 8);
                var prev = new byte[rowBytes];
                var cur = new byte[rowBytes];
                var outRow = new byte[1 + rowBytes];
                var best = new byte[1 + rowBytes];
                for (int r = 0; r < ph; r++)
                {
                    Array.Clear(cur);
                    int y = p[1] + (r * p[3]);
                    for (int i = 0; i < pw; i++)
                    {
                        int x = p[0] + (i * p[2]);
                        int o = ((y * w) + x) * spp;
                        for (int s = 0; s < spp; s++)
                        {
                            WriteSample(cur, (i * spp) + s, depth, Image.Quantize(image.Data[o + s], max));
                        }
                    }

                    if (options.Filter != PngFilterStrategy.Adaptive || depth < 8)
                    {
                        int f = options.Filter == PngFilterStrategy.Adaptive ? 0 : (int)options.Filter;
                        Filter(f, cur, prev, bpp, outRow);
                        z.Write(outRow);
                    }
                    else
                    {
                        long bestScore = long.MaxValue;
                        for (int f = 0; f <= 4; f++)
                        {
                            Filter(f, cur, prev, bpp, outRow);
                            long score = 0;
                            for (int k = 1; k < outRow.Length; k++)
                            {
                                score += Math.Abs((int)(sbyte)outRow[k]);
                            }

                            if (score < bestScore)
                            {
                                bestScore = score;
                                Array.Copy(outRow, best, outRow.Length);
                            }
                        }

                        z.Write(best);
                    }

                    (prev, cur) = (cur, prev);
                }
            }
        }

        using var ms = new MemoryStream();
        ms.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = (byte)(options.Interlace ? 1 : 0);
        WriteChunk(ms, "IHDR", ihdr);
        WriteChunk(ms, "IDAT", zbuf.GetBuffer().AsSpan(0, (int)zbuf.Length));
        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>Applies PNG filter <paramref name="type"/> to <paramref name="cur"/>, writing the type byte and filtered bytes to <paramref name="output"/>.</summary>
    internal static void Filter(int type, ReadOnlySpan<byte> cur, ReadOnlySpan<byte> prev, int bpp, Span<byte> output)
    {
        output[0] = (byte)type;
        var o = output[1..];
        int n = cur.Length;
        switch (type)
        {
            case 0:
                cur.CopyTo(o);
                break;
            case 1:
                for (int i = 0; i < n; i++)
                {
                    o[i] = (byte)(cur[i] - (i >= bpp ? cur[i - bpp] : 0));
                }

                break;
            case 2:
                for (int i = 0; i < n; i++)
                {
                    o[i] = (byte)(cur[i] - prev[i]);
                }

                break;
            case 3:
                for (int i = 0; i < n; i++)
                {
                    o[i] = (byte)(cur[i] - (((i >= bpp ? cur[i - bpp] : 0) + prev[i]) >> 1));
                }

                break;
            default:
                for (int i = 0; i < n; i++)
                {
                    int a = i >= bpp ? cur[i - bpp] : 0, c = i >= bpp ? prev[i - bpp] : 0;
                    o[i] = (byte)(cur[i] - Paeth(a, prev[i], c));
                }

                break;
        }
    }

    /// <summary>Reverses a PNG filter in place; <paramref name="prev"/> is empty for the first row of a pass.</summary>
    internal static void Unfilter(int type, Span<byte> row, ReadOnlySpan<byte> prev, int bpp, string? source)
    {
        bool first = prev.IsEmpty;
        switch (type)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < row.Length; i++)
                {
                    row[i] += row[i - bpp];
                }

                break;
            case 2:
                if (!first)
                {
                    for (int i = 0; i < row.Length; i++)
                    {
                        row[i] += prev[i];
                    }
                }

                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0;
                    int b = first ? 0 : prev[i];
                    row[i] += (byte)((a + b) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0;
                    int b = first ? 0 : prev[i];
                    int c = i >= bpp && !first ? prev[i - bpp] : 0;
                    row[i] += (byte)Paeth(a, b, c);
                }

                break;
            default:
                throw ImageFormatError.Create($"Invalid filter type {type} on a scanline.", source);
        }
    }

    internal static IEnumerable<(int Width, int Height)> Passes(int width, int height, bool interlaced)
    {
        if (!interlaced)
        {
            yield return (width, height);
            yield break;
        }

        foreach (var p in Adam7)
        {
            int pw = width <= p[0] ? 0 : (width - p[0] + p[2] - 1) / p[2];
            int ph = height <= p[1] ? 0 : (height - p[1] + p[3] - 1) / p[3];
            yield return (pw, ph);
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int ReadSample(byte[] raw, int rowStart, int index, int depth)
    {
        switch (depth)
        {
            case 8:
                return raw[rowStart + index];
            case 16:
                return (raw[rowStart + (2 * index)] << 8) | raw[rowStart + (2 * index) + 1];
            default:
                int bit = index * depth;
                int shift = 8 - depth - (bit & 7);
                return (raw[rowStart + (bit >> 3)] >> shift) & ((1 << depth) - 1);
        }
    }

    private static void WriteSample(byte[] row, int index, int depth, int value)
    {
        switch (depth)
        {
            case 8:
                row[index] = (byte)value;
                break;
            case 16:
                row[2 * index] = (byte)(value >> 8);
                row[(2 * index) + 1] = (byte)value;
                break;
            default:
                int bit = index * depth;
                int shift = 8 - depth - (bit & 7);
                row[bit >> 3] |= (byte)(value << shift);
                break;
        }
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, body.Length);
        for (int i = 0; i < 4; i++)
        {
            head[4 + i] = (byte)type[i];
        }

        s.Write(head);
        s.Write(body);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(head[4..], body));
        s.Write(crc);
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            c[i] = type[i] is >= 32 and < 127 ? (char)type[i] : '?';
        }

        return new string(c);
    }
}
