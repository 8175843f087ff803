using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Datasets;

namespace Hopfield.ML.Imaging.Tests.Datasets;

/// <summary>The embedded subset travels inside the assembly (what package consumers and the installed tool rely on).</summary>
public class EmbeddedResourceTests
{
    [Theory]
    [InlineData(DataSplit.Train)]
    [InlineData(DataSplit.Test)]
    public void SubsetIsCompiledIntoTheAssemblyAndMatchesTheDataFolder(DataSplit split)
    {
        var (images, labels) = FashionMnist.EmbeddedFileNames(split);
        foreach (string file in new[] { images, labels })
        {
            using var resource = FashionMnist.OpenEmbeddedResource(file);
            Assert.NotNull(resource);
            using var copy = new MemoryStream();
            resource.CopyTo(copy);

            // The resource is byte-for-byte the file in data/ (copied next to the tests as well).
            string onDisk = Path.Combine(FashionMnist.FindEmbeddedFolder(file), file);
            Assert.Equal(File.ReadAllBytes(onDisk), copy.ToArray());
        }

        using var stream = FashionMnist.OpenEmbeddedResource(images)!;
        var array = Idx.Read(stream, images);
        Assert.Equal(split == DataSplit.Train ? 3000 : 1000, array.Shape[0]);
    }

    [Fact]
    public void UnknownResourceIsNull() => Assert.Null(FashionMnist.OpenEmbeddedResource("no-such-file.idx.gz"));
}
