using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;

namespace Hopfield.ML.Imaging.Tests.Corruptions;

public class CorruptionTests
{
    private static readonly Lazy<Image> Sample = new(() => FashionMnist.LoadEmbedded(DataSplit.Test).GetImage(0));

    public static TheoryData<string> AllNames()
    {
        var d = new TheoryData<string>();
        foreach (string n in Hopfield.ML.Imaging.Corruptions.Corruptions.Names)
        {
            d.Add(n);
        }

        return d;
    }

    [Fact]
    public void RegistryHasTheElevenStableNames() => Assert.Equal(
        ["gaussian", "salt-pepper", "mask", "bottom-mask", "occlusion", "crop", "rotate", "translate", "flip", "blur", "contrast"],
        Hopfield.ML.Imaging.Corruptions.Corruptions.Names);

    [Theory]
    [MemberData(nameof(AllNames))]
    public void DeterministicInRangeAndChangesTheImage(string name)
    {
        var c = Hopfield.ML.Imaging.Corruptions.Corruptions.Get(name);
        var img = Sample.Value;
        var a = c.Apply(img, 7);
        var b = c.Apply(img, 7);
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(img.Width, a.Width);
        Assert.True(a.Data.All(v => v is >= 0f and <= 1f));
        Assert.NotEqual(img.Data, a.Data);
        Assert.Equal(img.Data, Sample.Value.Data); // source untouched
        var rgb = new Image(9, 7, 3, Enumerable.Range(0, 9 * 7 * 3).Select(i => (i % 11) / 10f).ToArray());
        Assert.Equal(3, c.Apply(rgb, 1).Channels);
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("salt-pepper")]
    [InlineData("mask")]
    [InlineData("occlusion")]
    [InlineData("translate")]
    [InlineData("crop")]
    public void SeedMatters(string name)
    {
        var c = Hopfield.ML.Imaging.Corruptions.Corruptions.Get(name);
        Assert.NotEqual(c.Apply(Sample.Value, 1).Data, c.Apply(Sample.Value, 2).Data);
    }

    [Fact]
    public void SeverityMeaningsHold()
    {
        var img = new Image(10, 10, 1, Enumerable.Repeat(1f, 100).ToArray());
        Assert.Equal(30, Hopfield.ML.Imaging.Corruptions.Corruptions.Get("bottom-mask").Apply(img, 0.3f, 0).Data.Count(v => v == 0f));
        Assert.Equal(16, Hopfield.ML.Imaging.Corruptions.Corruptions.Get("occlusion").Apply(img, 0.4f, 3).Data.Count(v => v == 0f));
        int masked = Hopfield.ML.Imaging.Corruptions.Corruptions.Get("mask").Apply(new Image(100, 100, 1, Enumerable.Repeat(1f, 10000).ToArray()), 0.3f, 5).Data.Count(v => v == 0f);
        Assert.InRange(masked, 2700, 3300);
        var grad = new Image(4, 1, 1, [0f, 0.25f, 0.5f, 1f]);
        Assert.Equal([1f, 0.5f, 0.25f, 0f], Hopfield.ML.Imaging.Corruptions.Corruptions.Get("flip").Apply(grad, 0).Data);
        Assert.Equal(grad.Data, Hopfield.ML.Imaging.Corruptions.Corruptions.Get("flip").Apply(grad, 0f, 0).Data);
        var flat = Hopfield.ML.Imaging.Corruptions.Corruptions.Get("contrast").Apply(grad, 0f, 0);
        Assert.All(flat.Data, v => Assert.Equal(grad.Data.Average(), v, 5));
        Assert.Equal(Sample.Value.Data, Hopfield.ML.Imaging.Corruptions.Corruptions.Get("rotate").Apply(Sample.Value, 0f, 0).Data);
        var r90 = Hopfield.ML.Imaging.Corruptions.Corruptions.Get("rotate").Apply(new Image(3, 3, 1, [1, 0, 0, 0, 0, 0, 0, 0, 0]), 90f, 0);
        Assert.Equal(1f, r90[2, 0], 4); // top-left → top-right, clockwise
        var blurred = Hopfield.ML.Imaging.Corruptions.Corruptions.Get("blur").Apply(Sample.Value, 2f, 0);
        Assert.InRange(blurred.Data.Average() - Sample.Value.Data.Average(), -0.02, 0.02);
        Assert.True(blurred.Data.Max() < Sample.Value.Data.Max());
        var noisy = Hopfield.ML.Imaging.Corruptions.Corruptions.Get("gaussian").Apply(new Image(100, 100, 1, Enumerable.Repeat(0.5f, 10000).ToArray()), 0.1f, 1);
        double sd = Math.Sqrt(noisy.Data.Select(v => (v - 0.5) * (v - 0.5)).Average());
        Assert.InRange(sd, 0.09, 0.11);
    }

    [Fact]
    public void ParseHandlesListsAllAndErrors()
    {
        var specs = Hopfield.ML.Imaging.Corruptions.Corruptions.Parse("gaussian:0.3, flip ,mask:0.5");
        Assert.Equal(["gaussian:0.3", "flip:1", "mask:0.5"], specs.Select(s => s.ToString()));
        Assert.Equal(11, Hopfield.ML.Imaging.Corruptions.Corruptions.Parse("all").Count);
        Assert.Empty(Hopfield.ML.Imaging.Corruptions.Corruptions.Parse("none"));
        Assert.Contains("Known:", Assert.Throws<ArgumentException>(() => Hopfield.ML.Imaging.Corruptions.Corruptions.Parse("fog")).Message, StringComparison.Ordinal);
        Assert.Contains("not a number", Assert.Throws<ArgumentException>(() => Hopfield.ML.Imaging.Corruptions.Corruptions.Parse("gaussian:abc")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Hopfield.ML.Imaging.Corruptions.Corruptions.Parse("mask:1.5"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hopfield.ML.Imaging.Corruptions.Corruptions.Get("gaussian").Apply(Sample.Value, float.NaN, 0));
        var row = specs[0].Apply(Sample.Value.Data, 28, 28, 4);
        Assert.Equal(784, row.Length);
    }
}

public class CorruptionBatchTests
{
    [Fact]
    public void BatchUsesPerRowSeedsIndependentOfBatchSize()
    {
        var set = FashionMnist.LoadEmbedded(DataSplit.Test).Take(4);
        var spec = Hopfield.ML.Imaging.Corruptions.Corruptions.Parse("mask:0.5")[0];
        var all = spec.ApplyBatch(set.Images, 28, 28, 9);
        var tail = spec.ApplyBatch([set.Images[0], set.Images[1]], 28, 28, 9);
        Assert.Equal(all[1], tail[1]);
        Assert.NotEqual(all[0].Select(v => v == 0f), all[1].Select(v => v == 0f));
        Assert.Equal(spec.Apply(set.Images[3], 28, 28, CorruptionSpec.RowSeed(9, 3)), all[3]);
    }
}
