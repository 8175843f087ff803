using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Processing;

namespace Hopfield.ML.Imaging.Tests.Processing;

public class ImageGridTests
{
    [Fact]
    public void LayoutScaleAndGap()
    {
        float[] a = [0f, 0.5f, 1f, 0.25f];
        var grid = ImageGrid.Compose([a, a, null, a], 2, 2, columns: 3, new GridOptions { Scale = 3, Gap = 1, Background = 1f });
        Assert.Equal(1 + (3 * 7), grid.Width);
        Assert.Equal(1 + (2 * 7), grid.Height);
        Assert.Equal(1f, grid[0, 0]);          // border gap
        Assert.Equal(0f, grid[1, 1]);          // tile (0,0) pixel (0,0), upscaled 3×
        Assert.Equal(0f, grid[3, 3]);
        Assert.Equal(0.5f, grid[4, 1]);        // tile pixel (1,0)
        Assert.Equal(0.25f, grid[6, 6]);
        Assert.Equal(1f, grid[7, 1]);          // gap between columns
        Assert.Equal(1f, grid[16, 2]);         // empty cell
        Assert.Equal(0f, grid[1, 8]);          // row 1, tile (1,0)
    }

    [Fact]
    public void StripAndPngSave()
    {
        var set = FashionMnist.LoadEmbedded(DataSplit.Test);
        var strip = ImageGrid.Strip([set.Images[0], set.Images[1], set.Images[2]], 28, 28, new GridOptions { Scale = 2, Gap = 2 });
        Assert.Equal(2 + (3 * 58), strip.Width);
        string path = Path.Combine(Path.GetTempPath(), $"hopfield-grid-{Guid.NewGuid():N}.png");
        try
        {
            ImageGrid.SavePng(path, [set.Images[0], set.Images[1], set.Images[2], set.Images[3]], 28, 28, 2);
            var back = Png.Read(path);
            Assert.Equal(2 + (2 * 114), back.Width);
            Assert.Equal(set.Images[0][14 * 28 + 14], back[2 + (14 * 4), 2 + (14 * 4)], 3);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RejectsMismatchedTiles()
    {
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([[new Image(2, 2, 1), new Image(3, 2, 1)]]));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose(Array.Empty<float[]?>(), 2, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose([new float[4]], 2, 2, 1, new GridOptions { Scale = 0 }));
    }

    [Fact]
    public void ImageFolderUsesSubfolderNamesAsLabels()
    {
        string root = Directory.CreateTempSubdirectory("hopfield-folder-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "b"));
            Directory.CreateDirectory(Path.Combine(root, "a"));
            Directory.CreateDirectory(Path.Combine(root, "empty"));
            Png.Write(new Image(4, 4, 3), Path.Combine(root, "a", "1.png"));
            Pnm.Write(new Image(8, 8, 1, Enumerable.Repeat(1f, 64).ToArray()), Path.Combine(root, "b", "2.pgm"));
            File.WriteAllText(Path.Combine(root, "b", "notes.txt"), "ignored");
            var set = ImageFolder.Load(root);
            Assert.Equal(["a", "b"], set.ClassNames);
            Assert.Equal([0, 1], set.Labels);
            Assert.Equal(4, set.Width);
            Assert.All(set.Images[1], v => Assert.Equal(1f, v, 5)); // 8×8 shrunk to 4×4
            Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Load(Path.Combine(root, "missing")));
            Assert.Throws<FileNotFoundException>(() => ImageFolder.Load(Path.Combine(root, "empty")));
            File.WriteAllText(Path.Combine(root, "a", "bad.png"), "not a png");
            Assert.Contains("bad.png", Assert.Throws<InvalidDataException>(() => ImageFolder.Load(root)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
