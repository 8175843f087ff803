namespace Hopfield.ML.Imaging.Processing;

/// <summary>Order of a pixel tensor: interleaved (height, width, channels) or planar (channels, height, width).</summary>
public enum TensorLayout
{
    /// <summary>Planar: all of channel 0, then channel 1, … (what ONNX vision models take).</summary>
    Chw = 0,

    /// <summary>Interleaved: the channels of each pixel together (the order of <see cref="Image.Data"/>).</summary>
    Hwc = 1,
}

/// <summary>Resampling used by <see cref="Pixels.Resize"/>.</summary>
public enum ResizeMode
{
    /// <summary>Bilinear interpolation with half-pixel centres (edges clamped).</summary>
    Bilinear = 0,

    /// <summary>Area averaging: each output pixel is the exact coverage-weighted mean of the input pixels under it (best for shrinking).</summary>
    Area = 1,
}

/// <summary>
/// Image ↔ tensor conversions in the spirit of ML.NET's ExtractPixels / ResizeImages / ConvertToGrayscale:
/// grayscale, resize, centre crop, HWC/CHW float tensors with per-channel offset and scale, ±1 binarisation.
/// </summary>
public static class Pixels
{
    /// <summary>Converts to one grey channel with Rec. 601 luma (0.299 R + 0.587 G + 0.114 B); alpha is dropped.</summary>
    /// <param name="image">Any image.</param>
    /// <returns>A new single-channel image (a copy when already grey).</returns>
    public static Image ToGrayscale(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var dst = new float[image.PixelCount];
        int ch = image.Channels;
        var s = image.Data;
        for (int p = 0; p < dst.Length; p++)
        {
            int o = p * ch;
            dst[p] = ch >= 3 ? (0.299f * s[o]) + (0.587f * s[o + 1]) + (0.114f * s[o + 2]) : s[o];
        }

        return new Image(image.Width, image.Height, 1, dst);
    }

    /// <summary>Resizes to <paramref name="width"/> × <paramref name="height"/>, every channel alike.</summary>
    /// <param name="image">The source.</param>
    /// <param name="width">Output width (≥ 1).</param>
    /// <param name="height">Output height (≥ 1).</param>
    /// <param name="mode">Bilinear or area averaging.</param>
    /// <returns>A new image.</returns>
    public static Image Resize(Image image, int width, int height, ResizeMode mode = ResizeMode.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var dst = new Image(width, height, image.Channels);
        if (mode == ResizeMode.Bilinear)
        {
            ResizeBilinear(image, dst);
        }
        else if (mode == ResizeMode.Area)
        {
            // Separable: horizontal pass then vertical pass, with exact overlap weights.
            var xw = AreaWeights(image.Width, width);
            var yw = AreaWeights(image.Height, height);
            int ch = image.Channels;
            var tmp = new float[width * image.Height * ch];
            for (int y = 0; y < image.Height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    foreach (var (src, wgt) in xw[x])
                    {
                        for (int c = 0; c < ch; c++)
                        {
                            tmp[(((y * width) + x) * ch) + c] += wgt * image.Data[(((y * image.Width) + src) * ch) + c];
                        }
                    }
                }
            }

            for (int y = 0; y < height; y++)
            {
                foreach (var (src, wgt) in yw[y])
                {
                    for (int i = 0; i < width * ch; i++)
                    {
                        dst.Data[(y * width * ch) + i] += wgt * tmp[(src * width * ch) + i];
                    }
                }
            }
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown resize mode.");
        }

        return dst;
    }

    /// <summary>Cuts the centred <paramref name="width"/> × <paramref name="height"/> window (odd margins put the extra pixel right/bottom).</summary>
    /// <param name="image">The source.</param>
    /// <param name="width">Crop width, 1 ≤ width ≤ image width.</param>
    /// <param name="height">Crop height, 1 ≤ height ≤ image height.</param>
    /// <returns>A new image.</returns>
    public static Image CenterCrop(Image image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, image.Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, image.Height);
        return Crop(image, (image.Width - width) / 2, (image.Height - height) / 2, width, height);
    }

    /// <summary>Cuts the window at (<paramref name="x"/>, <paramref name="y"/>) of size <paramref name="width"/> × <paramref name="height"/>.</summary>
    /// <param name="image">The source.</param>
    /// <param name="x">Left column.</param>
    /// <param name="y">Top row.</param>
    /// <param name="width">Window width.</param>
    /// <param name="height">Window height.</param>
    /// <returns>A new image.</returns>
    public static Image Crop(Image image, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > image.Width || y + height > image.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Crop window ({x}, {y}) {width}×{height} is not inside the {image.Width}×{image.Height} image.");
        }

        int ch = image.Channels;
        var dst = new Image(width, height, ch);
        for (int r = 0; r < height; r++)
        {
            Array.Copy(image.Data, (((y + r) * image.Width) + x) * ch, dst.Data, r * width * ch, width * ch);
        }

        return dst;
    }

    /// <summary>
    /// Extracts a float tensor: <c>value = (sample − offset[c]) × scale[c]</c>. With <c>offset = mean</c> and
    /// <c>scale = 1 / std</c> this is mean/std normalisation; with no offsets/scales the samples are copied as they are.
    /// </summary>
    /// <param name="image">The source.</param>
    /// <param name="layout">CHW (planar) or HWC (interleaved).</param>
    /// <param name="offsets">Per-channel offsets: empty (0), one value for all channels, or one per channel.</param>
    /// <param name="scales">Per-channel scales: empty (1), one value for all channels, or one per channel.</param>
    /// <returns>A new array of <c>channels × height × width</c> values.</returns>
    public static float[] ToTensor(Image image, TensorLayout layout = TensorLayout.Chw, ReadOnlySpan<float> offsets = default, ReadOnlySpan<float> scales = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        int ch = image.Channels, n = image.PixelCount;
        var off = PerChannel(offsets, ch, 0f, nameof(offsets));
        var sc = PerChannel(scales, ch, 1f, nameof(scales));
        var t = new float[n * ch];
        for (int p = 0; p < n; p++)
        {
            for (int c = 0; c < ch; c++)
            {
                float v = (image.Data[(p * ch) + c] - off[c]) * sc[c];
                t[layout == TensorLayout.Chw ? (c * n) + p : (p * ch) + c] = v;
            }
        }

        return t;
    }

    /// <summary>Inverse of <see cref="ToTensor"/>: <c>sample = value / scale[c] + offset[c]</c>, not clamped.</summary>
    /// <param name="tensor">The values.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="channels">Channels (1–4).</param>
    /// <param name="layout">Layout of <paramref name="tensor"/>.</param>
    /// <param name="offsets">The offsets used when extracting.</param>
    /// <param name="scales">The scales used when extracting (non-zero).</param>
    /// <returns>A new image.</returns>
    public static Image FromTensor(ReadOnlySpan<float> tensor, int width, int height, int channels = 1, TensorLayout layout = TensorLayout.Chw, ReadOnlySpan<float> offsets = default, ReadOnlySpan<float> scales = default)
    {
        Image.ValidateShape(width, height, channels);
        int n = width * height;
        if (tensor.Length != n * channels)
        {
            throw new ArgumentException($"Tensor has {tensor.Length} values, expected {channels}×{height}×{width} = {n * channels}.", nameof(tensor));
        }

        var off = PerChannel(offsets, channels, 0f, nameof(offsets));
        var sc = PerChannel(scales, channels, 1f, nameof(scales));
        if (sc.Any(s => s == 0f))
        {
            throw new ArgumentException("Scales must be non-zero to invert the extraction.", nameof(scales));
        }

        var img = new Image(width, height, channels);
        for (int p = 0; p < n; p++)
        {
            for (int c = 0; c < channels; c++)
            {
                float v = tensor[layout == TensorLayout.Chw ? (c * n) + p : (p * channels) + c];
                img.Data[(p * channels) + c] = (v / sc[c]) + off[c];
            }
        }

        return img;
    }

    /// <summary>Maps samples to bipolar states: +1 where <c>sample ≥ threshold</c>, −1 elsewhere (NaN → −1).</summary>
    /// <param name="samples">Samples (e.g. a grey image row in [0, 1]).</param>
    /// <param name="threshold">The cut.</param>
    /// <returns>A new array of ±1.</returns>
    public static float[] Binarize(ReadOnlySpan<float> samples, float threshold = 0.5f)
    {
        var r = new float[samples.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = samples[i] >= threshold ? 1f : -1f;
        }

        return r;
    }

    /// <summary>Binarises to ±1 with the threshold chosen by Otsu's method (see <see cref="OtsuThreshold"/>).</summary>
    /// <param name="samples">Samples in [0, 1].</param>
    /// <returns>A new array of ±1.</returns>
    public static float[] BinarizeOtsu(ReadOnlySpan<float> samples) => Binarize(samples, OtsuThreshold(samples));

    /// <summary>
    /// Otsu's threshold over a 256-bin histogram of [0, 1] (values outside are clamped): the cut maximising the
    /// between-class variance. Returns a value between bins, so <c>sample ≥ threshold</c> separates the classes;
    /// 0.5 when all samples fall in one bin.
    /// </summary>
    /// <param name="samples">Samples.</param>
    /// <returns>The threshold in (0, 1).</returns>
    public static float OtsuThreshold(ReadOnlySpan<float> samples)
    {
        const int Bins = 256;
        Span<long> hist = stackalloc long[Bins];
        foreach (float v in samples)
        {
            hist[Image.Quantize(v, Bins - 1)]++;
        }

        long total = samples.Length;
        double sumAll = 0;
        for (int i = 0; i < Bins; i++)
        {
            sumAll += (double)i * hist[i];
        }

        double sumB = 0, best = -1;
        long wB = 0;
        int bestT = -1;
        for (int t = 0; t < Bins - 1; t++)
        {
            wB += hist[t];
            sumB += (double)t * hist[t];
            long wF = total - wB;
            if (wB == 0 || wF == 0)
            {
                continue;
            }

            double mB = sumB / wB, mF = (sumAll - sumB) / wF;
            double between = (double)wB * wF * (mB - mF) * (mB - mF);
            if (between > best)
            {
                best = between;
                bestT = t;
            }
        }

        return bestT < 0 ? 0.5f : (bestT + 0.5f) / (Bins - 1);
    }

    /// <summary>Maps bipolar states back to [0, 1]: <c>(s + 1) / 2</c>, clamped.</summary>
    /// <param name="states">Values nominally in [−1, 1].</param>
    /// <returns>A new array.</returns>
    public static float[] FromBipolar(ReadOnlySpan<float> states)
    {
        var r = new float[states.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = Math.Clamp((states[i] + 1f) * 0.5f, 0f, 1f);
        }

        return r;
    }

    /// <summary>Grey row of an image: converts to grey if needed and returns the samples (copied).</summary>
    /// <param name="image">Any image.</param>
    /// <returns>Width × height grey samples.</returns>
    public static float[] ToGreyRow(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Channels == 1 ? (float[])image.Data.Clone() : ToGrayscale(image).Data;
    }

    internal static void ResizeBilinear(Image src, Image dst)
    {
        int ch = src.Channels;
        float sx = (float)src.Width / dst.Width, sy = (float)src.Height / dst.Height;
        for (int y = 0; y < dst.Height; y++)
        {
            float fy = Math.Clamp(((y + 0.5f) * sy) - 0.5f, 0f, src.Height - 1);
            int y0 = (int)fy;
            int y1 = Math.Min(y0 + 1, src.Height - 1);
            float ty = fy - y0;
            for (int x = 0; x < dst.Width; x++)
            {
                float fx = Math.Clamp(((x + 0.5f) * sx) - 0.5f, 0f, src.Width - 1);
                int x0 = (int)fx;
                int x1 = Math.Min(x0 + 1, src.Width - 1);
                float tx = fx - x0;
                for (int c = 0; c < ch; c++)
                {
                    float a = src.Data[(((y0 * src.Width) + x0) * ch) + c], b = src.Data[(((y0 * src.Width) + x1) * ch) + c];
                    float d = src.Data[(((y1 * src.Width) + x0) * ch) + c], e = src.Data[(((y1 * src.Width) + x1) * ch) + c];
                    float top = a + ((b - a) * tx), bottom = d + ((e - d) * tx);
                    dst.Data[(((y * dst.Width) + x) * ch) + c] = top + ((bottom - top) * ty);
                }
            }
        }
    }

    private static List<(int Src, float Weight)>[] AreaWeights(int srcSize, int dstSize)
    {
        var result = new List<(int, float)>[dstSize];
        double scale = (double)srcSize / dstSize;
        for (int i = 0; i < dstSize; i++)
        {
            double start = i * scale, end = (i + 1) * scale;
            var list = new List<(int, float)>();
            for (int s = (int)Math.Floor(start); s < Math.Min(srcSize, (int)Math.Ceiling(end)); s++)
            {
                double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                if (overlap > 0)
                {
                    list.Add((s, (float)(overlap / scale)));
                }
            }

            result[i] = list;
        }

        return result;
    }

    private static float[] PerChannel(ReadOnlySpan<float> values, int channels, float fill, string name)
    {
        var r = new float[channels];
        if (values.IsEmpty)
        {
            Array.Fill(r, fill);
        }
        else if (values.Length == 1)
        {
            Array.Fill(r, values[0]);
        }
        else if (values.Length == channels)
        {
            values.CopyTo(r);
        }
        else
        {
            throw new ArgumentException($"Expected 0, 1 or {channels} per-channel values, got {values.Length}.", name);
        }

        foreach (float v in r)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException($"Per-channel values must be finite, got {v}.", name);
            }
        }

        return r;
    }
}
