using System.Globalization;
using Hopfield.ML.Imaging.Processing;

namespace Hopfield.ML.Imaging.Corruptions;

/// <summary>
/// A named, seeded, deterministic image corruption with one severity parameter. Works on float images with samples
/// in [0, 1] of any size and channel count (every channel treated alike); the result is clamped to [0, 1]. The same
/// image, severity and seed always give the same result.
/// </summary>
public abstract class Corruption
{
    /// <summary>Stable name used in CLI strings such as <c>gaussian:0.3</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Severity used when none is given.</summary>
    public abstract float DefaultSeverity { get; }

    /// <summary>What the severity means, with its valid range (for help texts).</summary>
    public abstract string SeverityDescription { get; }

    /// <summary>Smallest valid severity.</summary>
    public virtual float MinSeverity => 0f;

    /// <summary>Largest valid severity.</summary>
    public virtual float MaxSeverity => float.PositiveInfinity;

    /// <summary>Applies the corruption to a copy of <paramref name="image"/>.</summary>
    /// <param name="image">Source image, samples in [0, 1].</param>
    /// <param name="severity">Severity (see <see cref="SeverityDescription"/>).</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>A new corrupted image.</returns>
    public Image Apply(Image image, float severity, int seed)
    {
        ArgumentNullException.ThrowIfNull(image);
        ValidateSeverity(severity);
        var dst = ApplyCore(image, severity, new Random(seed));
        var d = dst.Data;
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = float.IsNaN(d[i]) ? 0f : Math.Clamp(d[i], 0f, 1f);
        }

        return dst;
    }

    /// <summary>Applies the corruption with <see cref="DefaultSeverity"/>.</summary>
    /// <param name="image">Source image.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>A new corrupted image.</returns>
    public Image Apply(Image image, int seed) => Apply(image, DefaultSeverity, seed);

    /// <summary>Applies the corruption to a single-channel row of <paramref name="width"/> × <paramref name="height"/> samples.</summary>
    /// <param name="grey">Grey samples in [0, 1], row-major.</param>
    /// <param name="width">Width.</param>
    /// <param name="height">Height.</param>
    /// <param name="severity">Severity.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>A new corrupted row.</returns>
    public float[] Apply(ReadOnlySpan<float> grey, int width, int height, float severity, int seed)
        => Apply(Image.FromGrey(width, height, grey), severity, seed).Data;

    /// <summary>Throws when <paramref name="severity"/> is not finite or outside [<see cref="MinSeverity"/>, <see cref="MaxSeverity"/>].</summary>
    /// <param name="severity">The value to check.</param>
    public void ValidateSeverity(float severity)
    {
        if (!float.IsFinite(severity) || severity < MinSeverity || severity > MaxSeverity)
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, $"Severity of '{Name}' ({SeverityDescription}) must be in [{MinSeverity.ToString(CultureInfo.InvariantCulture)}, {MaxSeverity.ToString(CultureInfo.InvariantCulture)}].");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (default {DefaultSeverity.ToString(CultureInfo.InvariantCulture)}: {SeverityDescription})";

    /// <summary>Produces the corrupted image (a new one); clamping happens afterwards.</summary>
    /// <param name="image">Source image.</param>
    /// <param name="severity">Validated severity.</param>
    /// <param name="rng">Seeded generator.</param>
    /// <returns>A new image.</returns>
    protected abstract Image ApplyCore(Image image, float severity, Random rng);

    /// <summary>Standard normal sample (Box–Muller).</summary>
    /// <param name="rng">Generator.</param>
    /// <returns>A N(0, 1) sample.</returns>
    protected static double NextGaussian(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Bilinear sample at (x, y) of channel c, 0 outside the image.</summary>
    internal static float SampleOrZero(Image img, float x, float y, int c)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        float tx = x - x0, ty = y - y0;
        float v00 = At(img, x0, y0, c), v10 = At(img, x0 + 1, y0, c), v01 = At(img, x0, y0 + 1, c), v11 = At(img, x0 + 1, y0 + 1, c);
        return ((v00 * (1 - tx)) + (v10 * tx)) * (1 - ty) + (((v01 * (1 - tx)) + (v11 * tx)) * ty);
    }

    private static float At(Image img, int x, int y, int c) =>
        (uint)x < (uint)img.Width && (uint)y < (uint)img.Height ? img.Data[(((y * img.Width) + x) * img.Channels) + c] : 0f;
}

/// <summary>A corruption with a chosen severity, as parsed from <c>name:severity</c>.</summary>
/// <param name="Corruption">The corruption.</param>
/// <param name="Severity">Its severity.</param>
public sealed record CorruptionSpec(Corruption Corruption, float Severity)
{
    /// <summary>Applies the corruption.</summary>
    /// <param name="image">Source image.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>A new corrupted image.</returns>
    public Image Apply(Image image, int seed) => Corruption.Apply(image, Severity, seed);

    /// <summary>Applies the corruption to a grey row.</summary>
    /// <param name="grey">Samples in [0, 1].</param>
    /// <param name="width">Width.</param>
    /// <param name="height">Height.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>A new row.</returns>
    public float[] Apply(ReadOnlySpan<float> grey, int width, int height, int seed) => Corruption.Apply(grey, width, height, Severity, seed);

    /// <summary>
    /// Corrupts every row of a batch; row <c>i</c> uses the seed <see cref="RowSeed"/>(<paramref name="seed"/>, i), so
    /// results do not depend on batch order or size.
    /// </summary>
    /// <param name="rows">Grey rows of <paramref name="width"/> × <paramref name="height"/> samples in [0, 1].</param>
    /// <param name="width">Width.</param>
    /// <param name="height">Height.</param>
    /// <param name="seed">Base seed.</param>
    /// <returns>New corrupted rows.</returns>
    public float[][] ApplyBatch(IReadOnlyList<float[]> rows, int width, int height, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new float[rows.Count][];
        for (int i = 0; i < rows.Count; i++)
        {
            result[i] = Apply(rows[i], width, height, RowSeed(seed, i));
        }

        return result;
    }

    /// <summary>The seed used for row <paramref name="index"/> of a batch: <c>seed × 1,000,003 + index</c> (wrapping).</summary>
    /// <param name="seed">Base seed.</param>
    /// <param name="index">Row index.</param>
    /// <returns>The per-row seed.</returns>
    public static int RowSeed(int seed, int index) => unchecked((seed * 1_000_003) + index);

    /// <summary>The canonical string, e.g. <c>gaussian:0.3</c>.</summary>
    /// <returns>The name and severity.</returns>
    public override string ToString() => $"{Corruption.Name}:{Severity.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>The registry of corruptions: lookup by name and parsing of CLI strings.</summary>
public static class Corruptions
{
    /// <summary>Every corruption, in a stable order.</summary>
    public static IReadOnlyList<Corruption> All { get; } =
    [
        new GaussianNoise(), new SaltAndPepper(), new RandomMask(), new BottomMask(), new SquareOcclusion(), new CropAndResize(),
        new Rotation(), new Translation(), new HorizontalFlip(), new GaussianBlur(), new ContrastChange(),
    ];

    /// <summary>Names of all corruptions.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToArray();

    /// <summary>Finds a corruption by name (case-insensitive).</summary>
    /// <param name="name">e.g. <c>gaussian</c>.</param>
    /// <returns>The corruption.</returns>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Corruption Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return All.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown corruption '{name}'. Known: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>
    /// Parses a CLI string: a comma-separated list of <c>name</c> or <c>name:severity</c> (invariant culture),
    /// <c>all</c> for every corruption at its default severity, or <c>none</c> for an empty list.
    /// Examples: <c>gaussian:0.3</c>, <c>mask:0.5,flip</c>, <c>all</c>.
    /// </summary>
    /// <param name="text">The string.</param>
    /// <returns>The specs, in the given order.</returns>
    /// <exception cref="ArgumentException">Unknown name, bad number or out-of-range severity.</exception>
    public static IReadOnlyList<CorruptionSpec> Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var result = new List<CorruptionSpec>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                result.AddRange(All.Select(c => new CorruptionSpec(c, c.DefaultSeverity)));
                continue;
            }

            if (part.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            int colon = part.IndexOf(':', StringComparison.Ordinal);
            var corruption = Get(colon < 0 ? part : part[..colon]);
            float severity = corruption.DefaultSeverity;
            if (colon >= 0)
            {
                string num = part[(colon + 1)..].Trim();
                if (!float.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out severity))
                {
                    throw new ArgumentException($"Severity '{num}' of corruption '{corruption.Name}' is not a number.", nameof(text));
                }

                try
                {
                    corruption.ValidateSeverity(severity);
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    throw new ArgumentException(ex.Message, nameof(text), ex);
                }
            }

            result.Add(new CorruptionSpec(corruption, severity));
        }

        return result;
    }
}

/// <summary><c>gaussian</c>: adds N(0, σ²) noise to every sample.</summary>
public sealed class GaussianNoise : Corruption
{
    /// <inheritdoc/>
    public override string Name => "gaussian";

    /// <inheritdoc/>
    public override float DefaultSeverity => 0.3f;

    /// <inheritdoc/>
    public override string SeverityDescription => "noise standard deviation σ ≥ 0";

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = image.Clone();
        for (int i = 0; i < dst.Data.Length; i++)
        {
            dst.Data[i] += (float)(severity * NextGaussian(rng));
        }

        return dst;
    }
}

/// <summary><c>salt-pepper</c>: each pixel, with probability p, becomes white or black (even odds).</summary>
public sealed class SaltAndPepper : Corruption
{
    /// <inheritdoc/>
    public override string Name => "salt-pepper";

    /// <inheritdoc/>
    public override float DefaultSeverity => 0.1f;

    /// <inheritdoc/>
    public override string SeverityDescription => "probability p ∈ [0, 1] that a pixel is replaced";

    /// <inheritdoc/>
    public override float MaxSeverity => 1f;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = image.Clone();
        for (int p = 0; p < dst.PixelCount; p++)
        {
            if (rng.NextDouble() < severity)
            {
                float v = rng.Next(2);
                dst.Data.AsSpan(p * dst.Channels, dst.Channels).Fill(v);
            }
        }

        return dst;
    }
}

/// <summary><c>mask</c>: each pixel, with probability p, is set to 0.</summary>
public sealed class RandomMask : Corruption
{
    /// <inheritdoc/>
    public override string Name => "mask";

    /// <inheritdoc/>
    public override float DefaultSeverity => 0.3f;

    /// <inheritdoc/>
    public override string SeverityDescription => "probability p ∈ [0, 1] that a pixel is zeroed";

    /// <inheritdoc/>
    public override float MaxSeverity => 1f;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = image.Clone();
        for (int p = 0; p < dst.PixelCount; p++)
        {
            if (rng.NextDouble() < severity)
            {
                dst.Data.AsSpan(p * dst.Channels, dst.Channels).Clear();
            }
        }

        return dst;
    }
}

/// <summary><c>bottom-mask</c>: zeroes the bottom <c>round(fraction × height)</c> rows.</summary>
public sealed class BottomMask : Corruption
{
    /// <inheritdoc/>
    public override string Name => "bottom-mask";

    /// <inheritdoc/>
    public override float DefaultSeverity => 0.5f;

    /// <inheritdoc/>
    public override string SeverityDescription => "fraction of rows ∈ [0, 1] zeroed from the bottom";

    /// <inheritdoc/>
    public override float MaxSeverity => 1f;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = image.Clone();
        int rows = (int)MathF.Round(severity * image.Height, MidpointRounding.AwayFromZero);
        int rowLen = image.Width * image.Channels;
        dst.Data.AsSpan((image.Height - rows) * rowLen, rows * rowLen).Clear();
        return dst;
    }
}

/// <summary><c>occlusion</c>: a black square of side <c>round(size × min(width, height))</c> at a random position.</summary>
public sealed class SquareOcclusion : Corruption
{
    /// <inheritdoc/>
    public override string Name => "occlusion";

    /// <inheritdoc/>
    public override float DefaultSeverity => 0.4f;

    /// <inheritdoc/>
    public override string SeverityDescription => "side of the square as a fraction ∈ [0, 1] of the shorter image side";

    /// <inheritdoc/>
    public override float MaxSeverity => 1f;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = image.Clone();
        int side = (int)MathF.Round(severity * Math.Min(image.Width, image.Height), MidpointRounding.AwayFromZero);
        int x0 = rng.Next(image.Width - side + 1), y0 = rng.Next(image.Height - side + 1);
        for (int y = y0; y < y0 + side; y++)
        {
            dst.Data.AsSpan(((y * image.Width) + x0) * image.Channels, side * image.Channels).Clear();
        }

        return dst;
    }
}

/// <summary><c>crop</c>: keeps a random window of <c>fraction</c> of each side and resizes it back (bilinear).</summary>
public sealed class CropAndResize : Corruption
{
    /// <inheritdoc/>
    public override string Name => "crop";

    /// <inheritdoc/>
    public override float DefaultSeverity => 0.75f;

    /// <inheritdoc/>
    public override string SeverityDescription => "fraction of each side kept, in (0, 1]; 1 = unchanged";

    /// <inheritdoc/>
    public override float MinSeverity => 1e-6f;

    /// <inheritdoc/>
    public override float MaxSeverity => 1f;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        int w = Math.Clamp((int)MathF.Round(severity * image.Width, MidpointRounding.AwayFromZero), 1, image.Width);
        int h = Math.Clamp((int)MathF.Round(severity * image.Height, MidpointRounding.AwayFromZero), 1, image.Height);
        var window = Pixels.Crop(image, rng.Next(image.Width - w + 1), rng.Next(image.Height - h + 1), w, h);
        return Pixels.Resize(window, image.Width, image.Height, ResizeMode.Bilinear);
    }
}

/// <summary><c>rotate</c>: rotates about the centre by the given angle (positive = clockwise on screen), bilinear, black fill.</summary>
public sealed class Rotation : Corruption
{
    /// <inheritdoc/>
    public override string Name => "rotate";

    /// <inheritdoc/>
    public override float DefaultSeverity => 15f;

    /// <inheritdoc/>
    public override string SeverityDescription => "angle in degrees (any sign)";

    /// <inheritdoc/>
    public override float MinSeverity => float.NegativeInfinity;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = new Image(image.Width, image.Height, image.Channels);
        float a = severity * MathF.PI / 180f, cos = MathF.Cos(a), sin = MathF.Sin(a);
        float cx = (image.Width - 1) / 2f, cy = (image.Height - 1) / 2f;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                // Inverse map: where did this output pixel come from?
                float dx = x - cx, dy = y - cy;
                float sx = (cos * dx) + (sin * dy) + cx, sy = (-sin * dx) + (cos * dy) + cy;
                for (int c = 0; c < image.Channels; c++)
                {
                    dst.Data[(((y * image.Width) + x) * image.Channels) + c] = SampleOrZero(image, sx, sy, c);
                }
            }
        }

        return dst;
    }
}

/// <summary><c>translate</c>: shifts by a vector of the given length in a random direction (rounded to whole pixels), black fill.</summary>
public sealed class Translation : Corruption
{
    /// <inheritdoc/>
    public override string Name => "translate";

    /// <inheritdoc/>
    public override float DefaultSeverity => 3f;

    /// <inheritdoc/>
    public override string SeverityDescription => "shift distance in pixels ≥ 0 (direction from the seed)";

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        double theta = rng.NextDouble() * 2 * Math.PI;
        int dx = (int)Math.Round(severity * Math.Cos(theta)), dy = (int)Math.Round(severity * Math.Sin(theta));
        var dst = new Image(image.Width, image.Height, image.Channels);
        int ch = image.Channels;
        for (int y = 0; y < image.Height; y++)
        {
            int sy = y - dy;
            if ((uint)sy >= (uint)image.Height)
            {
                continue;
            }

            for (int x = 0; x < image.Width; x++)
            {
                int sx = x - dx;
                if ((uint)sx < (uint)image.Width)
                {
                    image.Data.AsSpan(((sy * image.Width) + sx) * ch, ch).CopyTo(dst.Data.AsSpan(((y * image.Width) + x) * ch, ch));
                }
            }
        }

        return dst;
    }
}

/// <summary><c>flip</c>: mirrors left–right with probability p (default 1: always).</summary>
public sealed class HorizontalFlip : Corruption
{
    /// <inheritdoc/>
    public override string Name => "flip";

    /// <inheritdoc/>
    public override float DefaultSeverity => 1f;

    /// <inheritdoc/>
    public override string SeverityDescription => "probability p ∈ [0, 1] of flipping";

    /// <inheritdoc/>
    public override float MaxSeverity => 1f;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = image.Clone();
        if (rng.NextDouble() >= severity)
        {
            return dst;
        }

        int ch = image.Channels;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                image.Data.AsSpan(((y * image.Width) + image.Width - 1 - x) * ch, ch).CopyTo(dst.Data.AsSpan(((y * image.Width) + x) * ch, ch));
            }
        }

        return dst;
    }
}

/// <summary><c>blur</c>: separable Gaussian blur of standard deviation σ pixels (kernel radius ⌈3σ⌉, edges clamped).</summary>
public sealed class GaussianBlur : Corruption
{
    /// <inheritdoc/>
    public override string Name => "blur";

    /// <inheritdoc/>
    public override float DefaultSeverity => 1f;

    /// <inheritdoc/>
    public override string SeverityDescription => "Gaussian σ in pixels ≥ 0 (≤ 100)";

    /// <inheritdoc/>
    public override float MaxSeverity => 100f;

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        if (severity == 0f)
        {
            return image.Clone();
        }

        int r = (int)MathF.Ceiling(3 * severity);
        var k = new float[(2 * r) + 1];
        float sum = 0;
        for (int i = -r; i <= r; i++)
        {
            k[i + r] = MathF.Exp(-(i * i) / (2 * severity * severity));
            sum += k[i + r];
        }

        for (int i = 0; i < k.Length; i++)
        {
            k[i] /= sum;
        }

        int w = image.Width, h = image.Height, ch = image.Channels;
        var tmp = new float[image.Data.Length];
        var dst = new Image(w, h, ch);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < ch; c++)
                {
                    float acc = 0;
                    for (int i = -r; i <= r; i++)
                    {
                        acc += k[i + r] * image.Data[(((y * w) + Math.Clamp(x + i, 0, w - 1)) * ch) + c];
                    }

                    tmp[(((y * w) + x) * ch) + c] = acc;
                }
            }
        }

        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < ch; c++)
                {
                    float acc = 0;
                    for (int i = -r; i <= r; i++)
                    {
                        acc += k[i + r] * tmp[(((Math.Clamp(y + i, 0, h - 1) * w) + x) * ch) + c];
                    }

                    dst.Data[(((y * w) + x) * ch) + c] = acc;
                }
            }
        }

        return dst;
    }
}

/// <summary><c>contrast</c>: scales each channel's deviation from its mean by a factor (0 = flat grey at the mean, 1 = unchanged).</summary>
public sealed class ContrastChange : Corruption
{
    /// <inheritdoc/>
    public override string Name => "contrast";

    /// <inheritdoc/>
    public override float DefaultSeverity => 0.5f;

    /// <inheritdoc/>
    public override string SeverityDescription => "contrast factor ≥ 0 (1 = unchanged, below 1 flatter, above 1 harsher)";

    /// <inheritdoc/>
    protected override Image ApplyCore(Image image, float severity, Random rng)
    {
        var dst = image.Clone();
        int ch = image.Channels;
        for (int c = 0; c < ch; c++)
        {
            double mean = 0;
            for (int p = 0; p < image.PixelCount; p++)
            {
                mean += image.Data[(p * ch) + c];
            }

            float m = (float)(mean / image.PixelCount);
            for (int p = 0; p < image.PixelCount; p++)
            {
                dst.Data[(p * ch) + c] = m + ((image.Data[(p * ch) + c] - m) * severity);
            }
        }

        return dst;
    }
}
