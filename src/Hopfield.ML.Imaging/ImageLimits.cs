namespace Hopfield.ML.Imaging;

/// <summary>
/// Size limits that every decoder checks against the dimensions a file declares, before it allocates
/// pixel buffers or inflates compressed data.
/// </summary>
public sealed record ImageLimits
{
    /// <summary>The default pixel cap: 100 megapixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>The limits used when none are given: 100 megapixels, 1,000,000 pixels per side, 10,000,000 IDX items, 2^30 IDX elements.</summary>
    public static ImageLimits Default { get; } = new();

    /// <summary>Largest accepted <c>width × height</c>.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Largest accepted width or height.</summary>
    public int MaxDimension { get; init; } = 1_000_000;

    /// <summary>Largest number of images accepted from one IDX file.</summary>
    public int MaxItems { get; init; } = 10_000_000;

    /// <summary>
    /// Largest total element count of one IDX file (items × rows × columns, or the product of any shape): 2^30 by
    /// default. Checked against the header before any element is read or inflated.
    /// </summary>
    public long MaxElements { get; init; } = 1L << 30;

    /// <summary>
    /// Checks declared dimensions; throws <see cref="InvalidDataException"/> naming <paramref name="source"/> when
    /// they are not positive or exceed the limits.
    /// </summary>
    /// <param name="width">Declared width.</param>
    /// <param name="height">Declared height.</param>
    /// <param name="channels">Samples per pixel (1 to 4).</param>
    /// <param name="source">File name or description for the message; may be null.</param>
    public void Check(long width, long height, int channels, string? source)
    {
        if (width < 1 || height < 1)
        {
            throw ImageFormatError.Create($"Invalid image dimensions {width}×{height}: both must be at least 1.", source);
        }

        if (width > MaxDimension || height > MaxDimension)
        {
            throw ImageFormatError.Create($"Image dimensions {width}×{height} exceed the limit of {MaxDimension} pixels per side (ImageLimits.MaxDimension).", source);
        }

        if (width * height > MaxPixels)
        {
            throw ImageFormatError.Create($"Image of {width}×{height} = {width * height} pixels exceeds the limit of {MaxPixels} pixels (ImageLimits.MaxPixels).", source);
        }

        if (channels is < 1 or > 4)
        {
            throw ImageFormatError.Create($"Unsupported channel count {channels}.", source);
        }

        if (width * height * channels > Array.MaxLength)
        {
            throw ImageFormatError.Create($"Image of {width}×{height}×{channels} samples is larger than the largest array.", source);
        }
    }
}
