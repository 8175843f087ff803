using System.Globalization;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Processing;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Imaging.Pipeline;

/// <summary>
/// The shape of an image column. The data set has no image type: an image column is a float vector column of
/// <c>Width × Height × Channels</c> interleaved (HWC) samples in [0, 1], and every image stage is told the shape of its input.
/// </summary>
/// <param name="Width">Width in pixels (≥ 1).</param>
/// <param name="Height">Height in pixels (≥ 1).</param>
/// <param name="Channels">1 (grey), 3 (RGB) or 4 (RGBA).</param>
public sealed record ImageShape(int Width, int Height, int Channels = 1)
{
    /// <summary>The vector size of a column holding images of this shape.</summary>
    public int Size => Width * Height * Channels;

    internal void Validate(string paramName)
    {
        if (Width < 1 || Height < 1 || Channels is not (1 or 3 or 4))
        {
            throw new ArgumentOutOfRangeException(paramName, this, "An image shape needs width ≥ 1, height ≥ 1 and 1, 3 or 4 channels.");
        }
    }

    internal static void Save(ModelSaveContext context, string prefix, ImageShape shape)
    {
        context.SetParameter(prefix + "Width", shape.Width);
        context.SetParameter(prefix + "Height", shape.Height);
        context.SetParameter(prefix + "Channels", shape.Channels);
    }

    internal static ImageShape Load(ModelLoadContext context, string prefix)
    {
        var shape = new ImageShape(context.GetInt32(prefix + "Width"), context.GetInt32(prefix + "Height"), context.GetInt32(prefix + "Channels"));
        if (shape.Width < 1 || shape.Height < 1 || shape.Channels is not (1 or 3 or 4))
        {
            throw context.Error($"invalid image shape {shape}");
        }

        return shape;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}×{Height}×{Channels}");
}

/// <summary>
/// Loads image files named in a text column (relative to <see cref="ImageFolder"/>) into an image column of <see cref="Shape"/>:
/// each file (PNG, PGM, PPM, PBM) is decoded, converted to the shape's channel count and, when its size differs, resized
/// bilinearly. A missing or malformed file fails with its path in the message.
/// </summary>
[PipelineStage("LoadImages")]
public sealed class ImageLoadingTransformer : ITransformer, ILoadableStage<ImageLoadingTransformer>
{
    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The image column written.</param>
    /// <param name="imageFolder">The folder paths are relative to (empty: the current directory / absolute paths).</param>
    /// <param name="inputColumnName">The text column of paths.</param>
    /// <param name="shape">The shape every image is brought to.</param>
    public ImageLoadingTransformer(string outputColumnName, string imageFolder, string inputColumnName, ImageShape shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(imageFolder);
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate(nameof(shape));
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        ImageFolder = imageFolder;
        Shape = shape;
    }

    /// <summary>The image column written.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column of paths.</summary>
    public string InputColumnName { get; }

    /// <summary>The folder paths are relative to.</summary>
    public string ImageFolder { get; }

    /// <summary>The output image shape.</summary>
    public ImageShape Shape { get; }

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ImageLoadingTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ImageLoadingTransformer(context.GetString("outputColumnName"), context.GetString("imageFolder"), context.GetString("inputColumnName"), ImageShape.Load(context, "image"));
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireKind(InputColumnName, ColumnKind.Text);
        return inputSchema.With(new SchemaColumn(OutputColumnName, ColumnKind.Vector, Shape.Size));
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var paths = input.GetColumn(InputColumnName).GetTexts().ToArray();
        var output = new float[paths.Length * Shape.Size];
        Parallel.For(0, paths.Length, i =>
        {
            string path = string.IsNullOrEmpty(ImageFolder) ? paths[i] : Path.Combine(ImageFolder, paths[i]);
            var image = ImageFile.Read(path);
            var converted = Convert(image, Shape);
            converted.Data.CopyTo(output, i * Shape.Size);
        });
        return input.WithColumn(DataColumn.Vector(OutputColumnName, output, Shape.Size));
    }

    internal static Image Convert(Image image, ImageShape shape)
    {
        if (image.Channels != shape.Channels)
        {
            image = shape.Channels switch
            {
                1 => Pixels.ToGrayscale(image),
                _ => ToColor(image, shape.Channels),
            };
        }

        return image.Width == shape.Width && image.Height == shape.Height ? image : Pixels.Resize(image, shape.Width, shape.Height);
    }

    private static Image ToColor(Image image, int channels)
    {
        var result = new Image(image.Width, image.Height, channels);
        for (int p = 0; p < image.PixelCount; p++)
        {
            for (int c = 0; c < channels; c++)
            {
                int from = image.Channels switch
                {
                    1 or 2 => c < 3 ? 0 : (image.Channels == 2 ? 1 : -1),
                    _ => c < 3 ? c : (image.Channels == 4 ? 3 : -1),
                };
                result.Data[(p * channels) + c] = from < 0 ? 1f : image.Data[(p * image.Channels) + from];
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("outputColumnName", OutputColumnName);
        context.SetParameter("inputColumnName", InputColumnName);
        context.SetParameter("imageFolder", ImageFolder);
        ImageShape.Save(context, "image", Shape);
    }
}

/// <summary>Resizes an image column (bilinear, or area averaging) from <see cref="InputShape"/> to a new width and height.</summary>
[PipelineStage("ResizeImages")]
public sealed class ImageResizingTransformer : VectorTransformerBase, ILoadableStage<ImageResizingTransformer>
{
    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The output image column.</param>
    /// <param name="inputColumnName">The input image column.</param>
    /// <param name="inputShape">The shape of the input images.</param>
    /// <param name="width">The new width.</param>
    /// <param name="height">The new height.</param>
    /// <param name="mode">Bilinear or area averaging.</param>
    public ImageResizingTransformer(string outputColumnName, string? inputColumnName, ImageShape inputShape, int width, int height, ResizeMode mode = ResizeMode.Bilinear)
        : base(outputColumnName, inputColumnName, inputShape?.Size ?? throw new ArgumentNullException(nameof(inputShape)))
    {
        inputShape.Validate(nameof(inputShape));
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown resize mode.");
        }

        InputShape = inputShape;
        OutputShape = inputShape with { Width = width, Height = height };
        Mode = mode;
    }

    private ImageResizingTransformer(ModelLoadContext context)
        : base(context)
    {
        InputShape = ImageShape.Load(context, "input");
        OutputShape = ImageShape.Load(context, "output");
        Mode = Enum.TryParse<ResizeMode>(context.GetString("mode"), out var m) && Enum.IsDefined(m) ? m : throw context.Error("unknown resize mode");
        if (InputShape.Size != InputSize || OutputShape.Channels != InputShape.Channels)
        {
            throw context.Error("image shapes do not match the column size");
        }
    }

    /// <summary>The input image shape.</summary>
    public ImageShape InputShape { get; }

    /// <summary>The output image shape.</summary>
    public ImageShape OutputShape { get; }

    /// <summary>The resampling mode.</summary>
    public ResizeMode Mode { get; }

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ImageResizingTransformer Load(ModelLoadContext context) => new(context);

    /// <inheritdoc />
    protected override int GetOutputSize(int inputSize) => OutputShape.Size;

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        for (int r = 0; r < rowCount; r++)
        {
            var image = new Image(InputShape.Width, InputShape.Height, InputShape.Channels, input.Slice(r * inputSize, inputSize).ToArray());
            Pixels.Resize(image, OutputShape.Width, OutputShape.Height, Mode).Data.CopyTo(output.Slice(r * OutputShape.Size, OutputShape.Size));
        }
    }

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImageShape.Save(context, "input", InputShape);
        ImageShape.Save(context, "output", OutputShape);
        context.SetParameter("mode", Mode.ToString());
    }
}

/// <summary>Converts an image column to one grey channel (Rec. 601 luma; alpha dropped).</summary>
[PipelineStage("ConvertToGrayscale")]
public sealed class ImageGrayscalingTransformer : VectorTransformerBase, ILoadableStage<ImageGrayscalingTransformer>
{
    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The output image column (1 channel).</param>
    /// <param name="inputColumnName">The input image column.</param>
    /// <param name="inputShape">The shape of the input images.</param>
    public ImageGrayscalingTransformer(string outputColumnName, string? inputColumnName, ImageShape inputShape)
        : base(outputColumnName, inputColumnName, inputShape?.Size ?? throw new ArgumentNullException(nameof(inputShape)))
    {
        inputShape.Validate(nameof(inputShape));
        InputShape = inputShape;
    }

    private ImageGrayscalingTransformer(ModelLoadContext context)
        : base(context)
    {
        InputShape = ImageShape.Load(context, "input");
        if (InputShape.Size != InputSize)
        {
            throw context.Error("the image shape does not match the column size");
        }
    }

    /// <summary>The input image shape.</summary>
    public ImageShape InputShape { get; }

    /// <summary>The output image shape (1 channel).</summary>
    public ImageShape OutputShape => InputShape with { Channels = 1 };

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static ImageGrayscalingTransformer Load(ModelLoadContext context) => new(context);

    /// <inheritdoc />
    protected override int GetOutputSize(int inputSize) => InputShape.Width * InputShape.Height;

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        int outSize = InputShape.Width * InputShape.Height;
        for (int r = 0; r < rowCount; r++)
        {
            var image = new Image(InputShape.Width, InputShape.Height, InputShape.Channels, input.Slice(r * inputSize, inputSize).ToArray());
            Pixels.ToGrayscale(image).Data.CopyTo(output.Slice(r * outSize, outSize));
        }
    }

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImageShape.Save(context, "input", InputShape);
    }
}

/// <summary>
/// Extracts model-ready pixels from an image column: <c>value = (sample × 255 − offset[c]) × scale[c]</c> when
/// <see cref="AsBytes"/> (ML.NET's convention: offsets/scales apply to byte values) or <c>(sample − offset[c]) × scale[c]</c>
/// otherwise, in CHW (planar) or HWC (interleaved) order.
/// </summary>
[PipelineStage("ExtractPixels")]
public sealed class PixelExtractingTransformer : VectorTransformerBase, ILoadableStage<PixelExtractingTransformer>
{
    private readonly float[] _offsets;
    private readonly float[] _scales;

    /// <summary>Creates the stage.</summary>
    /// <param name="outputColumnName">The output vector column.</param>
    /// <param name="inputColumnName">The input image column.</param>
    /// <param name="inputShape">The shape of the input images.</param>
    /// <param name="layout">CHW (planar) or HWC (interleaved).</param>
    /// <param name="offsets">Per-channel offsets: empty (0), one for all channels, or one per channel.</param>
    /// <param name="scales">Per-channel scales: empty (1), one for all channels, or one per channel.</param>
    /// <param name="asBytes">Whether offsets and scales apply to byte values 0–255 (true) or to samples in [0, 1] (false).</param>
    public PixelExtractingTransformer(string outputColumnName, string? inputColumnName, ImageShape inputShape, TensorLayout layout = TensorLayout.Chw,
        float[]? offsets = null, float[]? scales = null, bool asBytes = false)
        : base(outputColumnName, inputColumnName, inputShape?.Size ?? throw new ArgumentNullException(nameof(inputShape)))
    {
        inputShape.Validate(nameof(inputShape));
        InputShape = inputShape;
        Layout = Enum.IsDefined(layout) ? layout : throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown layout.");
        _offsets = Check(offsets ?? [], inputShape.Channels, nameof(offsets));
        _scales = Check(scales ?? [], inputShape.Channels, nameof(scales));
        AsBytes = asBytes;
    }

    private PixelExtractingTransformer(ModelLoadContext context)
        : base(context)
    {
        InputShape = ImageShape.Load(context, "input");
        Layout = Enum.TryParse<TensorLayout>(context.GetString("layout"), out var l) && Enum.IsDefined(l) ? l : throw context.Error("unknown layout");
        AsBytes = context.GetBoolean("asBytes");
        _offsets = context.GetTensor("offsets", out _);
        _scales = context.GetTensor("scales", out _);
        if (InputShape.Size != InputSize || _offsets.Length is not (0 or 1) && _offsets.Length != InputShape.Channels
            || _scales.Length is not (0 or 1) && _scales.Length != InputShape.Channels)
        {
            throw context.Error("shape, offsets or scales do not match the column");
        }
    }

    /// <summary>The input image shape.</summary>
    public ImageShape InputShape { get; }

    /// <summary>The output layout.</summary>
    public TensorLayout Layout { get; }

    /// <summary>Whether offsets and scales apply to byte values.</summary>
    public bool AsBytes { get; }

    /// <summary>The per-channel offsets.</summary>
    public IReadOnlyList<float> Offsets => _offsets;

    /// <summary>The per-channel scales.</summary>
    public IReadOnlyList<float> Scales => _scales;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static PixelExtractingTransformer Load(ModelLoadContext context) => new(context);

    private static float[] Check(float[] values, int channels, string name)
    {
        if (values.Length is not (0 or 1) && values.Length != channels)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{values.Length} values for {channels} channel(s); give 0, 1 or {channels}."), name);
        }

        if (values.Any(v => !float.IsFinite(v)))
        {
            throw new ArgumentException("Values must be finite.", name);
        }

        return [.. values];
    }

    /// <inheritdoc />
    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        var bytesScale = AsBytes ? 255f : 1f;
        for (int r = 0; r < rowCount; r++)
        {
            var data = input.Slice(r * inputSize, inputSize).ToArray();
            if (AsBytes)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(data, bytesScale, data);
            }

            var image = new Image(InputShape.Width, InputShape.Height, InputShape.Channels, data);
            Pixels.ToTensor(image, Layout, _offsets, _scales).CopyTo(output.Slice(r * inputSize, inputSize));
        }
    }

    /// <inheritdoc />
    protected override void SaveCore(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImageShape.Save(context, "input", InputShape);
        context.SetParameter("layout", Layout.ToString());
        context.SetParameter("asBytes", AsBytes);
        context.AddTensor("offsets", _offsets, _offsets.Length);
        context.AddTensor("scales", _scales, _scales.Length);
    }
}

/// <summary>The image stages as catalog entries, in the ImageAnalytics style: <c>ctx.Transforms.LoadImages(...)</c> etc.</summary>
public static class ImageTransformsExtensions
{
    /// <summary>Loads image files named in a text column into an image column of <paramref name="shape"/>.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The image column written.</param>
    /// <param name="imageFolder">The folder paths are relative to.</param>
    /// <param name="inputColumnName">The text column of paths.</param>
    /// <param name="shape">The shape every image is brought to (channels converted, size resized when different).</param>
    /// <returns>The estimator.</returns>
    public static TrivialEstimator<ImageLoadingTransformer> LoadImages(this TransformsCatalog catalog, string outputColumnName, string imageFolder, string inputColumnName, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new ImageLoadingTransformer(outputColumnName, imageFolder, inputColumnName, shape));
    }

    /// <summary>Resizes an image column.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output image column.</param>
    /// <param name="imageWidth">The new width.</param>
    /// <param name="imageHeight">The new height.</param>
    /// <param name="inputShape">The shape of the input images.</param>
    /// <param name="inputColumnName">The input image column (default: the output column).</param>
    /// <param name="mode">Bilinear or area averaging.</param>
    /// <returns>The estimator.</returns>
    public static TrivialEstimator<ImageResizingTransformer> ResizeImages(this TransformsCatalog catalog, string outputColumnName, int imageWidth, int imageHeight,
        ImageShape inputShape, string? inputColumnName = null, ResizeMode mode = ResizeMode.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new ImageResizingTransformer(outputColumnName, inputColumnName, inputShape, imageWidth, imageHeight, mode));
    }

    /// <summary>Converts an image column to grey.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output image column.</param>
    /// <param name="inputShape">The shape of the input images.</param>
    /// <param name="inputColumnName">The input image column (default: the output column).</param>
    /// <returns>The estimator.</returns>
    public static TrivialEstimator<ImageGrayscalingTransformer> ConvertToGrayscale(this TransformsCatalog catalog, string outputColumnName, ImageShape inputShape, string? inputColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new ImageGrayscalingTransformer(outputColumnName, inputColumnName, inputShape));
    }

    /// <summary>Extracts normalised pixels (per-channel offset/scale, CHW or HWC).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output vector column.</param>
    /// <param name="inputShape">The shape of the input images.</param>
    /// <param name="inputColumnName">The input image column (default: the output column).</param>
    /// <param name="layout">CHW (planar, default) or HWC (interleaved).</param>
    /// <param name="offsets">Per-channel offsets (0, 1 or one per channel values).</param>
    /// <param name="scales">Per-channel scales.</param>
    /// <param name="asBytes">Whether offsets and scales apply to byte values 0–255.</param>
    /// <returns>The estimator.</returns>
    public static TrivialEstimator<PixelExtractingTransformer> ExtractPixels(this TransformsCatalog catalog, string outputColumnName, ImageShape inputShape,
        string? inputColumnName = null, TensorLayout layout = TensorLayout.Chw, float[]? offsets = null, float[]? scales = null, bool asBytes = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new PixelExtractingTransformer(outputColumnName, inputColumnName, inputShape, layout, offsets, scales, asBytes));
    }
}
