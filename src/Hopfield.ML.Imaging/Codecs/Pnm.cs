using System.Globalization;
using System.Text;

namespace Hopfield.ML.Imaging.Codecs;

/// <summary>Netpbm formats written by <see cref="Pnm.Write(Image, string, PnmFormat, int)"/>.</summary>
public enum PnmFormat
{
    /// <summary>Choose from the image: grey → P5, RGB → P6 (alpha is dropped).</summary>
    Auto = 0,

    /// <summary>P1: ASCII bitmap (1 = black; samples below 0.5 become black).</summary>
    AsciiBitmap = 1,

    /// <summary>P2: ASCII greymap.</summary>
    AsciiGreymap = 2,

    /// <summary>P3: ASCII pixmap.</summary>
    AsciiPixmap = 3,

    /// <summary>P4: binary bitmap.</summary>
    Bitmap = 4,

    /// <summary>P5: binary greymap.</summary>
    Greymap = 5,

    /// <summary>P6: binary pixmap.</summary>
    Pixmap = 6,
}

/// <summary>
/// PBM/PGM/PPM (P1–P6) reader and writer. Maxval 1–65535 (two bytes big-endian above 255), '#' comments anywhere in
/// the header. PBM decodes to grey with 1 = black → 0.0 (so white is 1.0, like the other formats); PGM → 1 channel;
/// PPM → 3 channels. Samples are divided by maxval; a sample above maxval is an error.
/// </summary>
public static class Pnm
{
    /// <summary>Reads a PBM/PGM/PPM file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">Size limits; <see cref="ImageLimits.Default"/> when null.</param>
    /// <returns>The image.</returns>
    public static Image Read(string path, ImageLimits? limits = null)
    {
        using var fs = StreamUtil.OpenRead(path);
        using var ms = new MemoryStream();
        fs.CopyTo(ms);
        return Decode(ms.GetBuffer().AsSpan(0, (int)ms.Length), path, limits);
    }

    /// <summary>Decodes PBM/PGM/PPM bytes.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="source">Name for error messages; may be null.</param>
    /// <param name="limits">Size limits.</param>
    /// <returns>The image.</returns>
    public static Image Decode(ReadOnlySpan<byte> data, string? source = null, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        if (data.Length < 2 || data[0] != 'P' || data[1] < '1' || data[1] > '6')
        {
            throw ImageFormatError.Create("Not a PBM/PGM/PPM file: expected magic P1..P6.", source);
        }

        int kind = data[1] - '0';
        int pos = 2;
        long width = ReadInt(data, ref pos, "width", source);
        long height = ReadInt(data, ref pos, "height", source);
        long maxval = kind is 1 or 4 ? 1 : ReadInt(data, ref pos, "maxval", source);
        if (maxval is < 1 or > 65535)
        {
            throw ImageFormatError.Create($"Maxval {maxval} is outside 1..65535.", source);
        }

        int channels = kind is 3 or 6 ? 3 : 1;
        limits.Check(width, height, channels, source);
        int w = (int)width, h = (int)height;
        long samples = (long)w * h * channels;
        bool ascii = kind <= 3;
        if (!ascii)
        {
            // Exactly one whitespace byte separates the header from the raster.
            if (pos >= data.Length || !IsSpace(data[pos]))
            {
                throw ImageFormatError.Create("Missing whitespace after the header.", source);
            }

            pos++;
            long need = kind == 4 ? (long)((w + 7) / 8) * h : samples * (maxval > 255 ? 2 : 1);
            if (data.Length - pos < need)
            {
                throw ImageFormatError.Create($"Raster truncated: header implies {need} bytes, file has {data.Length - pos}.", source);
            }
        }
        else if ((data.Length - pos) / 2 < (kind == 1 ? samples / 2 : samples) - 1)
        {
            // Every ASCII sample needs at least one digit and one separator (P1 may omit separators).
            throw ImageFormatError.Create($"Raster truncated: header implies {samples} samples, file has {data.Length - pos} bytes.", source);
        }

        var img = new Image(w, h, channels, limits);
        float[] dst = img.Data;
        float mv = maxval;
        if (kind == 4)
        {
            int rowBytes = (w + 7) / 8;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int bit = (data[pos + (y * rowBytes) + (x >> 3)] >> (7 - (x & 7))) & 1;
                    dst[(y * w) + x] = bit == 1 ? 0f : 1f;
                }
            }
        }
        else if (kind is 5 or 6)
        {
            for (long i = 0; i < samples; i++)
            {
                int v = maxval > 255 ? (data[pos + (int)(2 * i)] << 8) | data[pos + (int)(2 * i) + 1] : data[pos + (int)i];
                if (v > maxval)
                {
                    throw ImageFormatError.Create($"Sample {i} is {v}, above maxval {maxval}.", source);
                }

                dst[i] = v / mv;
            }
        }
        else if (kind == 1)
        {
            for (long i = 0; i < samples; i++)
            {
                SkipSpaceAndComments(data, ref pos);
                if (pos >= data.Length || (data[pos] != '0' && data[pos] != '1'))
                {
                    throw ImageFormatError.Create($"Expected bit 0 or 1 for pixel {i} at offset {pos}.", source);
                }

                dst[i] = data[pos++] == '1' ? 0f : 1f;
            }
        }
        else
        {
            for (long i = 0; i < samples; i++)
            {
                long v = ReadInt(data, ref pos, $"sample {i}", source);
                if (v > maxval)
                {
                    throw ImageFormatError.Create($"Sample {i} is {v}, above maxval {maxval}.", source);
                }

                dst[i] = v / mv;
            }
        }

        return img;
    }

    /// <summary>Writes a PBM/PGM/PPM file.</summary>
    /// <param name="image">The image (grey or RGB; alpha is dropped; RGB is converted to grey for P1/P2/P4/P5 by Rec. 601 luma).</param>
    /// <param name="path">Destination.</param>
    /// <param name="format">Format; <see cref="PnmFormat.Auto"/> picks P5 for grey and P6 for colour.</param>
    /// <param name="maxval">Maximum sample value, 1..65535 (ignored for bitmaps).</param>
    public static void Write(Image image, string path, PnmFormat format = PnmFormat.Auto, int maxval = 255)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, Encode(image, format, maxval));
    }

    /// <summary>Encodes an image as PBM/PGM/PPM bytes.</summary>
    /// <param name="image">The image.</param>
    /// <param name="format">Format.</param>
    /// <param name="maxval">Maximum sample value, 1..65535.</param>
    /// <returns>The file contents.</returns>
    public static byte[] Encode(Image image, PnmFormat format = PnmFormat.Auto, int maxval = 255)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (format is < PnmFormat.Auto or > PnmFormat.Pixmap)
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown PNM format.");
        }

        if (format == PnmFormat.Auto)
        {
            format = image.Channels >= 3 ? PnmFormat.Pixmap : PnmFormat.Greymap;
        }

        int kind = (int)format;
        if (kind is 1 or 4)
        {
            maxval = 1;
        }
        else if (maxval is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(maxval), maxval, "Maxval must be in 1..65535.");
        }

        int channels = kind is 3 or 6 ? 3 : 1;
        int w = image.Width, h = image.Height;
        var values = new int[w * h * channels];
        for (int p = 0; p < w * h; p++)
        {
            for (int c = 0; c < channels; c++)
            {
                float v = channels == 3
                    ? image.Data[(p * image.Channels) + (image.Channels >= 3 ? c : 0)]
                    : Luma(image, p);
                values[(p * channels) + c] = kind is 1 or 4 ? (v < 0.5f ? 1 : 0) : Image.Quantize(v, maxval);
            }
        }

        using var ms = new MemoryStream();
        var header = kind is 1 or 4 ? $"P{kind}\n{w} {h}\n" : $"P{kind}\n{w} {h}\n{maxval}\n";
        ms.Write(Encoding.ASCII.GetBytes(header));
        if (kind == 4)
        {
            int rowBytes = (w + 7) / 8;
            var row = new byte[rowBytes];
            for (int y = 0; y < h; y++)
            {
                Array.Clear(row);
                for (int x = 0; x < w; x++)
                {
                    row[x >> 3] |= (byte)(values[(y * w) + x] << (7 - (x & 7)));
                }

                ms.Write(row);
            }
        }
        else if (kind is 5 or 6)
        {
            foreach (int v in values)
            {
                if (maxval > 255)
                {
                    ms.WriteByte((byte)(v >> 8));
                }

                ms.WriteByte((byte)v);
            }
        }
        else
        {
            var sb = new StringBuilder();
            int perLine = 0;
            foreach (int v in values)
            {
                sb.Append(v.ToString(CultureInfo.InvariantCulture));
                sb.Append(++perLine % 16 == 0 ? '\n' : ' ');
            }

            sb.Append('\n');
            ms.Write(Encoding.ASCII.GetBytes(sb.ToString()));
        }

        return ms.ToArray();
    }

    private static float Luma(Image image, int p)
    {
        int o = p * image.Channels;
        return image.Channels >= 3
            ? (0.299f * image.Data[o]) + (0.587f * image.Data[o + 1]) + (0.114f * image.Data[o + 2])
            : image.Data[o];
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;

    private static void SkipSpaceAndComments(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos < data.Length)
        {
            if (IsSpace(data[pos]))
            {
                pos++;
            }
            else if (data[pos] == '#')
            {
                while (pos < data.Length && data[pos] != '\n' && data[pos] != '\r')
                {
                    pos++;
                }
            }
            else
            {
                break;
            }
        }
    }

    private static long ReadInt(ReadOnlySpan<byte> data, ref int pos, string what, string? source)
    {
        SkipSpaceAndComments(data, ref pos);
        if (pos >= data.Length || data[pos] < '0' || data[pos] > '9')
        {
            throw ImageFormatError.Create($"Expected a number for {what} at offset {pos}{(pos >= data.Length ? " (end of file)" : string.Empty)}.", source);
        }

        long v = 0;
        while (pos < data.Length && data[pos] >= '0' && data[pos] <= '9')
        {
            v = (v * 10) + (data[pos++] - '0');
            if (v > int.MaxValue)
            {
                throw ImageFormatError.Create($"Number for {what} is too large.", source);
            }
        }

        return v;
    }
}
