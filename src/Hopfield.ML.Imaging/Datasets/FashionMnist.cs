using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Datasets;

/// <summary>Loads Fashion-MNIST: the small embedded subset shipped in <c>data/</c>, or the full set from a folder.</summary>
public static class FashionMnist
{
    /// <summary>The Debian location of the full set (package <c>fashion-mnist</c>), searched when no folder is given.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>File names of the embedded subset for a split (images, labels).</summary>
    /// <param name="split">The split.</param>
    /// <returns>The two file names (no folder).</returns>
    public static (string Images, string Labels) EmbeddedFileNames(DataSplit split) => split == DataSplit.Train
        ? ("fashion-train-images.idx.gz", "fashion-train-labels.idx.gz")
        : ("fashion-test-images.idx.gz", "fashion-test-labels.idx.gz");

    /// <summary>
    /// Loads the embedded class-balanced subset (3000 train / 1000 test images, 28×28, samples in [0, 1]).
    /// The files are compiled into this assembly as resources, so this works wherever the assembly is deployed
    /// (a NuGet package consumer, a .NET tool, a single-file app); an assembly built without them falls back to
    /// <c>data/</c> next to <see cref="AppContext.BaseDirectory"/>, then <c>data/</c> of each parent folder.
    /// </summary>
    /// <param name="split">Train or test.</param>
    /// <returns>The images and labels.</returns>
    /// <exception cref="FileNotFoundException">The data was neither embedded nor found; the message lists the folders searched.</exception>
    public static LabeledImages LoadEmbedded(DataSplit split = DataSplit.Train)
    {
        var (img, lbl) = EmbeddedFileNames(split);
        using (Stream? images = OpenEmbeddedResource(img))
        using (Stream? labels = OpenEmbeddedResource(lbl))
        {
            if (images is not null && labels is not null)
            {
                return IdxDataset.Load(Idx.Read(images, img), Idx.Read(labels, lbl), ClassNames, img, lbl);
            }
        }

        string folder = FindEmbeddedFolder(img);
        return IdxDataset.Load(Path.Combine(folder, img), Path.Combine(folder, lbl), ClassNames);
    }

    /// <summary>Opens an embedded data file compiled into this assembly, or returns null when it is not there.</summary>
    /// <param name="fileName">A file name such as <c>fashion-train-images.idx.gz</c>.</param>
    /// <returns>A read-only stream the caller disposes, or null.</returns>
    internal static Stream? OpenEmbeddedResource(string fileName) =>
        typeof(FashionMnist).Assembly.GetManifestResourceStream("Hopfield.ML.Imaging.Data." + fileName);

    /// <summary>Finds the folder holding the embedded file <paramref name="fileName"/>.</summary>
    /// <param name="fileName">A file name such as <c>fashion-train-images.idx.gz</c>.</param>
    /// <returns>The <c>data</c> folder path.</returns>
    /// <exception cref="FileNotFoundException">Not found; the message lists the folders searched.</exception>
    public static string FindEmbeddedFolder(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var searched = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data");
            searched.Add(candidate);
            if (File.Exists(Path.Combine(candidate, fileName)))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"Embedded data file '{fileName}' not found. Searched: {string.Join(", ", searched)}.", fileName);
    }

    /// <summary>
    /// Loads the full Fashion-MNIST split (60,000 train / 10,000 test) from <paramref name="folder"/>, or from
    /// <see cref="DebianFolder"/> when null. Accepts the standard names with or without <c>.gz</c>.
    /// </summary>
    /// <param name="split">Train or test.</param>
    /// <param name="folder">Folder with <c>train-images-idx3-ubyte[.gz]</c> etc.; null for the Debian location.</param>
    /// <returns>The images and labels.</returns>
    /// <exception cref="FileNotFoundException">The files were not found; the message says where it looked.</exception>
    public static LabeledImages Load(DataSplit split = DataSplit.Train, string? folder = null)
        => IdxDataset.LoadStandard(folder ?? DebianFolder, split, ClassNames);
}

/// <summary>Loads classic MNIST digits in IDX form from a folder.</summary>
public static class Mnist
{
    /// <summary>Class names "0" … "9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Loads an MNIST split from <paramref name="folder"/> (standard file names, with or without <c>.gz</c>).</summary>
    /// <param name="folder">Folder with <c>train-images-idx3-ubyte[.gz]</c>, <c>t10k-labels-idx1-ubyte[.gz]</c> etc.</param>
    /// <param name="split">Train or test.</param>
    /// <returns>The images and labels.</returns>
    public static LabeledImages Load(string folder, DataSplit split = DataSplit.Train)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return IdxDataset.LoadStandard(folder, split, ClassNames);
    }
}

/// <summary>Loads labelled image sets from pairs of IDX files.</summary>
public static class IdxDataset
{
    /// <summary>Loads an IDX3 image file ([count, rows, cols] unsigned bytes) and an IDX1 label file.</summary>
    /// <param name="imagesPath">Images file (raw or gzip).</param>
    /// <param name="labelsPath">Labels file (raw or gzip).</param>
    /// <param name="classNames">Class names; when null, "0" … "max label".</param>
    /// <param name="limits">Limits; <see cref="ImageLimits.Default"/> when null.</param>
    /// <returns>The images (samples divided by 255) and labels.</returns>
    public static LabeledImages Load(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null, ImageLimits? limits = null)
        => Load(Idx.Read(imagesPath, limits), Idx.Read(labelsPath, limits), classNames, imagesPath, labelsPath);

    /// <summary>Builds the labelled set from an IDX3 image array and an IDX1 label array already read.</summary>
    internal static LabeledImages Load(IdxArray images, IdxArray labels, IReadOnlyList<string>? classNames, string imagesPath, string labelsPath)
    {
        if (images.DataType != IdxDataType.UInt8 || images.Shape.Count != 3)
        {
            throw ImageFormatError.Create($"Expected an unsigned-byte IDX3 image file, found {images.DataType} with {images.Shape.Count} dimensions.", imagesPath);
        }

        if (labels.DataType != IdxDataType.UInt8 || labels.Shape.Count != 1)
        {
            throw ImageFormatError.Create($"Expected an unsigned-byte IDX1 label file, found {labels.DataType} with {labels.Shape.Count} dimensions.", labelsPath);
        }

        int n = images.Shape[0], h = images.Shape[1], w = images.Shape[2];
        if (labels.Shape[0] != n)
        {
            throw ImageFormatError.Create($"Label count {labels.Shape[0]} does not match the {n} images in {imagesPath}.", labelsPath);
        }

        byte[] px = images.ByteArray!;
        byte[] lb = labels.ByteArray!;
        int max = n == 0 ? 0 : lb.Max();
        classNames ??= Enumerable.Range(0, max + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (max >= classNames.Count)
        {
            throw ImageFormatError.Create($"Label {max} is outside the {classNames.Count} classes.", labelsPath);
        }

        var rows = new float[n][];
        var lab = new int[n];
        int size = w * h;
        for (int i = 0; i < n; i++)
        {
            var row = new float[size];
            for (int j = 0; j < size; j++)
            {
                row[j] = px[(i * size) + j] / 255f;
            }

            rows[i] = row;
            lab[i] = lb[i];
        }

        return new LabeledImages(rows, lab, w, h, classNames);
    }

    internal static LabeledImages LoadStandard(string folder, DataSplit split, IReadOnlyList<string> classNames)
    {
        string prefix = split == DataSplit.Train ? "train" : "t10k";
        string img = Find(folder, $"{prefix}-images-idx3-ubyte");
        string lbl = Find(folder, $"{prefix}-labels-idx1-ubyte");
        return Load(img, lbl, classNames);
    }

    private static string Find(string folder, string stem)
    {
        string[] candidates = [Path.Combine(folder, stem + ".gz"), Path.Combine(folder, stem), Path.Combine(folder, stem.Replace("-idx", ".idx", StringComparison.Ordinal))];
        foreach (string c in candidates)
        {
            if (File.Exists(c))
            {
                return c;
            }
        }

        throw new FileNotFoundException($"IDX file '{stem}' not found. Looked for: {string.Join(", ", candidates.Select(Path.GetFullPath))}.", candidates[0]);
    }
}
