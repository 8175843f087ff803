using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Processing;

namespace Hopfield.ML.Imaging.Datasets;

/// <summary>Loads a labelled image set from a folder whose sub-folders are the classes (<c>root/cat/1.png</c>, <c>root/dog/2.pgm</c>, …).</summary>
public static class ImageFolder
{
    /// <summary>
    /// Reads every PNG/PGM/PPM/PBM file under each sub-folder of <paramref name="root"/>; the sub-folder name is the
    /// class (classes sorted by ordinal name, files by ordinal path). Images are converted to grey and, when their
    /// size differs from <paramref name="width"/> × <paramref name="height"/>, resized with area averaging
    /// (shrinking) or bilinear interpolation (growing).
    /// </summary>
    /// <param name="root">The folder.</param>
    /// <param name="width">Output width; 0 takes the first image's width.</param>
    /// <param name="height">Output height; 0 takes the first image's height.</param>
    /// <param name="limits">Size limits per file.</param>
    /// <returns>The images (grey rows in [0, 1]) and labels.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">No image files were found (the message names the folder).</exception>
    public static LabeledImages Load(string root, int width = 0, int height = 0, ImageLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder not found: {Path.GetFullPath(root)}");
        }

        var classes = Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal).ToArray();
        var names = new List<string>();
        var rows = new List<float[]>();
        var labels = new List<int>();
        foreach (string dir in classes)
        {
            var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => ImageFile.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                continue;
            }

            int label = names.Count;
            names.Add(Path.GetFileName(dir));
            foreach (string f in files)
            {
                var img = Pixels.ToGrayscale(ImageFile.Read(f, limits));
                if (width == 0 || height == 0)
                {
                    width = width == 0 ? img.Width : width;
                    height = height == 0 ? img.Height : height;
                }

                if (img.Width != width || img.Height != height)
                {
                    var mode = img.Width >= width && img.Height >= height ? ResizeMode.Area : ResizeMode.Bilinear;
                    img = Pixels.Resize(img, width, height, mode);
                }

                rows.Add(img.Data);
                labels.Add(label);
            }
        }

        if (rows.Count == 0)
        {
            throw new FileNotFoundException($"No image files ({string.Join(", ", ImageFile.Extensions)}) in the sub-folders of {Path.GetFullPath(root)}.", root);
        }

        return new LabeledImages(rows, labels, width, height, names);
    }
}
