using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Imaging.Pipeline;

/// <summary>
/// Data loaders of the imaging layer as catalog entries: <c>ctx.Data.LoadIdx(...)</c>, <c>ctx.Data.LoadFashionMnistEmbedded(...)</c>,
/// <c>ctx.Data.FromLabeledImages(...)</c>. Every loader gives the same columns: <c>Image</c> (grey samples as bytes 0–255, the
/// input of <c>ScalePixels</c>), <c>Features</c> (the same samples scaled to [0, 1]) and <c>Label</c> (key, one value per class).
/// </summary>
public static class ImagingDataExtensions
{
    /// <summary>The column names the loaders write.</summary>
    public static class Columns
    {
        /// <summary>"Image": grey samples 0–255, row-major, width × height floats.</summary>
        public const string Image = "Image";

        /// <summary>"Features": the samples in [0, 1].</summary>
        public const string Features = "Features";

        /// <summary>"Label": the class key.</summary>
        public const string Label = "Label";
    }

    /// <summary>Loads an IDX image file and its label file (optionally gzipped), e.g. MNIST or Fashion-MNIST.</summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="imagesPath">The IDX images file (rank 3: count × height × width, unsigned bytes).</param>
    /// <param name="labelsPath">The IDX labels file (rank 1).</param>
    /// <returns>The data set with <c>Image</c>, <c>Features</c> and <c>Label</c> columns.</returns>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    public static DataSet LoadIdx(this DataOperationsCatalog catalog, string imagesPath, string labelsPath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.FromLabeledImages(IdxDataset.Load(imagesPath, labelsPath));
    }

    /// <summary>Loads the embedded Fashion-MNIST subset (3000 train / 1000 test images, 28×28, 10 classes).</summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="split">Train or test.</param>
    /// <returns>The data set with <c>Image</c>, <c>Features</c> and <c>Label</c> columns.</returns>
    public static DataSet LoadFashionMnistEmbedded(this DataOperationsCatalog catalog, DataSplit split = DataSplit.Train)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.FromLabeledImages(FashionMnist.LoadEmbedded(split));
    }

    /// <summary>Turns labelled grey images (samples in [0, 1]) into a data set.</summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="images">The images.</param>
    /// <returns>The data set with <c>Image</c>, <c>Features</c> and <c>Label</c> columns.</returns>
    public static DataSet FromLabeledImages(this DataOperationsCatalog catalog, LabeledImages images)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("The image set is empty.", nameof(images));
        }

        int d = images.Width * images.Height;
        var features = new float[images.Count * d];
        var bytes = new float[features.Length];
        var labels = new int[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            images.Images[i].CopyTo(features, i * d);
            labels[i] = images.Labels[i];
        }

        for (int j = 0; j < features.Length; j++)
        {
            bytes[j] = MathF.Round(features[j] * 255f);
        }

        return new DataSet(
            DataColumn.Vector(Columns.Image, bytes, d),
            DataColumn.Vector(Columns.Features, features, d),
            DataColumn.Key(Columns.Label, labels, images.ClassNames.Count));
    }
}
