namespace Hopfield.ML.Imaging.Datasets;

/// <summary>Which part of a data set to load.</summary>
public enum DataSplit
{
    /// <summary>The training split.</summary>
    Train,

    /// <summary>The test split.</summary>
    Test,
}

/// <summary>
/// A labelled set of same-size single-channel images, each a flat row-major <see cref="float"/> row in [0, 1]
/// (length <see cref="Width"/> × <see cref="Height"/>), ready to be used as feature vectors.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Creates a set, validating that every row has <c>width × height</c> samples and every label is in range.</summary>
    /// <param name="images">Image rows (not copied).</param>
    /// <param name="labels">Labels, 0 ≤ label &lt; class count.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="classNames">Class names indexed by label.</param>
    public LabeledImages(IReadOnlyList<float[]> images, IReadOnlyList<int> labels, int width, int height, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (images.Count != labels.Count)
        {
            throw new ArgumentException($"{images.Count} images but {labels.Count} labels.", nameof(labels));
        }

        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null || images[i].Length != width * height)
            {
                throw new ArgumentException($"Image {i} has {images[i]?.Length ?? 0} samples, expected {width}×{height} = {width * height}.", nameof(images));
            }

            if (labels[i] < 0 || labels[i] >= classNames.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is outside 0..{classNames.Count - 1}.");
            }
        }

        Images = images;
        Labels = labels;
        Width = width;
        Height = height;
        ClassNames = classNames;
    }

    /// <summary>Image rows, each <see cref="Width"/> × <see cref="Height"/> samples in [0, 1], row-major.</summary>
    public IReadOnlyList<float[]> Images { get; }

    /// <summary>Labels (indices into <see cref="ClassNames"/>).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Class names indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of images.</summary>
    public int Count => Images.Count;

    /// <summary>Image <paramref name="index"/> as an <see cref="Image"/> (grey, samples copied).</summary>
    /// <param name="index">Index.</param>
    /// <returns>A new single-channel image.</returns>
    public Image GetImage(int index) => Image.FromGrey(Width, Height, Images[index]);

    /// <summary>The first <paramref name="count"/> images of each class, in the original order.</summary>
    /// <param name="count">Images per class.</param>
    /// <returns>A new set sharing the rows.</returns>
    public LabeledImages TakePerClass(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seen = new int[ClassNames.Count];
        var imgs = new List<float[]>();
        var lbls = new List<int>();
        for (int i = 0; i < Count; i++)
        {
            if (seen[Labels[i]]++ < count)
            {
                imgs.Add(Images[i]);
                lbls.Add(Labels[i]);
            }
        }

        return new LabeledImages(imgs, lbls, Width, Height, ClassNames);
    }

    /// <summary>The first <paramref name="count"/> images.</summary>
    /// <param name="count">How many (clamped to <see cref="Count"/>).</param>
    /// <returns>A new set sharing the rows.</returns>
    public LabeledImages Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        count = Math.Min(count, Count);
        return new LabeledImages(Images.Take(count).ToArray(), Labels.Take(count).ToArray(), Width, Height, ClassNames);
    }
}
