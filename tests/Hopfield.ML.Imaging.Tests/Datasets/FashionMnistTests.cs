using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Datasets;

namespace Hopfield.ML.Imaging.Tests.Datasets;

public class FashionMnistTests
{
    [Theory]
    [InlineData(DataSplit.Train, 3000)]
    [InlineData(DataSplit.Test, 1000)]
    public void EmbeddedIsBalancedAndScaled(DataSplit split, int count)
    {
        var set = FashionMnist.LoadEmbedded(split);
        Assert.Equal(count, set.Count);
        Assert.Equal(28, set.Width);
        Assert.Equal(28, set.Height);
        Assert.Equal(10, set.ClassNames.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(count / 10, set.Labels.Count(l => l == c)));
        foreach (var row in set.Images)
        {
            Assert.Equal(784, row.Length);
            Assert.True(row.All(v => v is >= 0f and <= 1f));
        }

        Assert.True(set.Images[0].Max() > 0.5f); // real pictures, not blanks
        Assert.Equal(50, set.TakePerClass(5).Count);
    }

    [Fact]
    public void FullSetLoadsFromFolderWhenPresent()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DebianFolder, "t10k-labels-idx1-ubyte.gz")))
        {
            return;
        }

        var test = FashionMnist.Load(DataSplit.Test);
        Assert.Equal(10000, test.Count);
    }

    [Fact]
    public void MissingFolderNamesWhereItLooked()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hopfield-missing-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<FileNotFoundException>(() => Mnist.Load(dir));
        Assert.Contains(dir, ex.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => FashionMnist.FindEmbeddedFolder("no-such-file.idx.gz"));
    }

    [Fact]
    public void MnistFolderRoundTrip()
    {
        string dir = Directory.CreateTempSubdirectory("hopfield-mnist-").FullName;
        try
        {
            var rows = new[] { new float[] { 0, 1, 0.5f, 0.25f }, new float[] { 1, 1, 0, 0 } };
            Idx.WriteImages(Path.Combine(dir, "t10k-images-idx3-ubyte"), rows, 2, 2);
            Idx.WriteLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), [3, 9]);
            var set = Mnist.Load(dir, DataSplit.Test);
            Assert.Equal(2, set.Count);
            Assert.Equal([3, 9], set.Labels);
            Assert.Equal(128 / 255f, set.Images[0][2]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
