namespace Hopfield.ML.Imaging.Codecs;

/// <summary>Reads and writes image files by content (PNG signature, P1–P6 magic) or extension.</summary>
public static class ImageFile
{
    /// <summary>File extensions <see cref="Read"/> accepts when scanning folders.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".pgm", ".ppm", ".pbm", ".pnm"];

    /// <summary>Reads a PNG or PBM/PGM/PPM file, detecting the format from its first bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">Size limits.</param>
    /// <returns>The image.</returns>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Unknown format or corrupt data (message names the file).</exception>
    public static Image Read(string path, ImageLimits? limits = null)
    {
        using var fs = StreamUtil.OpenRead(path);
        using var ms = new MemoryStream();
        fs.CopyTo(ms);
        var data = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        if (Png.IsPng(data))
        {
            return Png.Decode(data, path, limits);
        }

        if (data.Length >= 2 && data[0] == 'P' && data[1] is >= (byte)'1' and <= (byte)'6')
        {
            return Pnm.Decode(data, path, limits);
        }

        throw ImageFormatError.Create("Unknown image format (expected PNG or PBM/PGM/PPM).", path);
    }

    /// <summary>Writes by extension: <c>.png</c> → PNG, <c>.pgm/.ppm/.pbm/.pnm</c> → binary Netpbm.</summary>
    /// <param name="image">The image.</param>
    /// <param name="path">Destination.</param>
    public static void Write(Image image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string ext = Path.GetExtension(path).ToUpperInvariant();
        switch (ext)
        {
            case ".PNG":
                Png.Write(image, path);
                break;
            case ".PGM":
                Pnm.Write(image, path, PnmFormat.Greymap);
                break;
            case ".PPM":
                Pnm.Write(image, path, PnmFormat.Pixmap);
                break;
            case ".PBM":
                Pnm.Write(image, path, PnmFormat.Bitmap);
                break;
            case ".PNM":
                Pnm.Write(image, path);
                break;
            default:
                throw new ArgumentException($"Cannot tell the format from extension '{ext}' (use .png, .pgm, .ppm, .pbm or .pnm).", nameof(path));
        }
    }
}
