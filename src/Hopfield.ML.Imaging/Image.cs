namespace Hopfield.ML.Imaging;

/// <summary>
/// A simple in-memory raster image: <see cref="Width"/> × <see cref="Height"/> pixels with
/// <see cref="Channels"/> interleaved samples per pixel (row-major, HWC order).
/// </summary>
/// <remarks>
/// Samples are <see cref="float"/> values nominally in [0, 1] (0 = black / transparent, 1 = white / opaque),
/// whatever the bit depth of the file they came from: an 8-bit sample <c>v</c> becomes <c>v / 255f</c>,
/// a 16-bit sample <c>v / 65535f</c>. Encoders round back with <c>round(s × max)</c> after clamping,
/// so decoding then encoding at the same depth is lossless.
/// Channel layouts: 1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA.
/// The sample at (x, y, c) is <c>Data[(y * Width + x) * Channels + c]</c>.
/// </remarks>
public sealed class Image
{
    /// <summary>Creates a zero-filled image after checking the size against <see cref="ImageLimits.Default"/>.</summary>
    /// <param name="width">Width in pixels (≥ 1).</param>
    /// <param name="height">Height in pixels (≥ 1).</param>
    /// <param name="channels">1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="limits">Limits to enforce; <see cref="ImageLimits.Default"/> when null.</param>
    public Image(int width, int height, int channels, ImageLimits? limits = null)
    {
        (limits ?? ImageLimits.Default).Check(width, height, channels, source: null);
        Width = width;
        Height = height;
        Channels = channels;
        Data = new float[checked(width * height * channels)];
    }

    /// <summary>Wraps an existing sample array (not copied).</summary>
    /// <param name="width">Width in pixels (≥ 1).</param>
    /// <param name="height">Height in pixels (≥ 1).</param>
    /// <param name="channels">1, 2, 3 or 4.</param>
    /// <param name="data">Interleaved samples, length <c>width × height × channels</c>.</param>
    public Image(int width, int height, int channels, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ValidateShape(width, height, channels);
        if (data.LongLength != (long)width * height * channels)
        {
            throw new ArgumentException(
                $"Data length {data.Length} does not match {width}×{height}×{channels} = {(long)width * height * channels}.",
                nameof(data));
        }

        Width = width;
        Height = height;
        Channels = channels;
        Data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>Interleaved samples (HWC), nominally in [0, 1].</summary>
#pragma warning disable CA1819 // Properties should not return arrays: the raw buffer is the point of this type.
    public float[] Data { get; }
#pragma warning restore CA1819

    /// <summary>Number of pixels, <c>Width × Height</c>.</summary>
    public int PixelCount => Width * Height;

    /// <summary>True when the image has an alpha channel (2 or 4 channels).</summary>
    public bool HasAlpha => Channels is 2 or 4;

    /// <summary>Gets or sets the sample at column <paramref name="x"/>, row <paramref name="y"/>, channel <paramref name="c"/>.</summary>
    /// <param name="x">Column, 0 ≤ x &lt; Width.</param>
    /// <param name="y">Row, 0 ≤ y &lt; Height.</param>
    /// <param name="c">Channel, 0 ≤ c &lt; Channels.</param>
    public float this[int x, int y, int c = 0]
    {
        get => Data[Index(x, y, c)];
        set => Data[Index(x, y, c)] = value;
    }

    /// <summary>Creates a single-channel image from a row of grey samples (copied).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="grey">Samples, length <c>width × height</c>.</param>
    /// <returns>A new grey image.</returns>
    public static Image FromGrey(int width, int height, ReadOnlySpan<float> grey)
    {
        ValidateShape(width, height, 1);
        if (grey.Length != (long)width * height)
        {
            throw new ArgumentException($"Expected {(long)width * height} grey samples for {width}×{height}, got {grey.Length}.", nameof(grey));
        }

        return new Image(width, height, 1, grey.ToArray());
    }

    /// <summary>Creates an image from 8-bit samples (each divided by 255).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="channels">1, 2, 3 or 4.</param>
    /// <param name="samples">Interleaved 8-bit samples.</param>
    /// <returns>A new image.</returns>
    public static Image FromBytes(int width, int height, int channels, ReadOnlySpan<byte> samples)
    {
        ValidateShape(width, height, channels);
        if (samples.Length != (long)width * height * channels)
        {
            throw new ArgumentException($"Expected {(long)width * height * channels} samples, got {samples.Length}.", nameof(samples));
        }

        var data = new float[samples.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = samples[i] / 255f;
        }

        return new Image(width, height, channels, data);
    }

    /// <summary>Returns the samples quantised to 8 bits (clamped to [0, 1], rounded).</summary>
    /// <returns>A new array of <c>Width × Height × Channels</c> bytes.</returns>
    public byte[] ToBytes()
    {
        var result = new byte[Data.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (byte)Quantize(Data[i], 255);
        }

        return result;
    }

    /// <summary>Returns a deep copy.</summary>
    /// <returns>A new image with a copied sample buffer.</returns>
    public Image Clone() => new(Width, Height, Channels, (float[])Data.Clone());

    /// <inheritdoc/>
    public override string ToString() => $"Image {Width}×{Height}×{Channels}";

    internal static int Quantize(float v, int max)
    {
        if (!(v > 0f))
        {
            return 0; // also NaN
        }

        if (v >= 1f)
        {
            return max;
        }

        return (int)MathF.Round(v * max, MidpointRounding.AwayFromZero);
    }

    internal static void ValidateShape(int width, int height, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA).");
        }

        if ((long)width * height * channels > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}×{height}×{channels} samples exceed the largest array.");
        }
    }

    private int Index(int x, int y, int c)
    {
        if ((uint)x >= (uint)Width)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, $"Column must be in [0, {Width}).");
        }

        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y), y, $"Row must be in [0, {Height}).");
        }

        if ((uint)c >= (uint)Channels)
        {
            throw new ArgumentOutOfRangeException(nameof(c), c, $"Channel must be in [0, {Channels}).");
        }

        return ((y * Width) + x) * Channels + c;
    }
}
