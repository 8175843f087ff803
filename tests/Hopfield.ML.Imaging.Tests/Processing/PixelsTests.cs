using Hopfield.ML.Imaging.Processing;

namespace Hopfield.ML.Imaging.Tests.Processing;

public class PixelsTests
{
    [Fact]
    public void GrayscaleUsesRec601()
    {
        var img = new Image(1, 1, 4, [1f, 0.5f, 0.25f, 0.1f]);
        var g = Pixels.ToGrayscale(img);
        Assert.Equal(1, g.Channels);
        Assert.Equal(0.299f + (0.587f * 0.5f) + (0.114f * 0.25f), g.Data[0], 6);
    }

    [Fact]
    public void AreaResizeAveragesBlocksAndPreservesMean()
    {
        var img = new Image(4, 4, 1, Enumerable.Range(0, 16).Select(i => i / 15f).ToArray());
        var small = Pixels.Resize(img, 2, 2, ResizeMode.Area);
        Assert.Equal((0 + 1 + 4 + 5) / 4f / 15f, small.Data[0], 5);
        Assert.Equal(img.Data.Average(), small.Data.Average(), 5);
        var odd = Pixels.Resize(img, 3, 3, ResizeMode.Area);
        Assert.Equal(img.Data.Average(), odd.Data.Average(), 5);
    }

    [Fact]
    public void BilinearResizeIdentityAndInterpolation()
    {
        var img = PngHelpers.Gradient(5, 3);
        Assert.Equal(img.Data, Pixels.Resize(img, 5, 3).Data);
        var big = Pixels.Resize(new Image(2, 1, 1, [0f, 1f]), 4, 1);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], big.Data);
    }

    [Fact]
    public void CenterCropTakesTheMiddle()
    {
        var img = new Image(5, 5, 1, Enumerable.Range(0, 25).Select(i => (float)i).ToArray());
        var c = Pixels.CenterCrop(img, 3, 1);
        Assert.Equal([11f, 12f, 13f], c.Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pixels.CenterCrop(img, 6, 1));
    }

    [Fact]
    public void TensorLayoutsAndNormalisationRoundTrip()
    {
        var img = new Image(2, 1, 3, [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f]);
        var chw = Pixels.ToTensor(img);
        Assert.Equal([0.1f, 0.4f, 0.2f, 0.5f, 0.3f, 0.6f], chw);
        Assert.Equal(img.Data, Pixels.ToTensor(img, TensorLayout.Hwc));
        float[] mean = [0.485f, 0.456f, 0.406f], std = [1 / 0.229f, 1 / 0.224f, 1 / 0.225f];
        var norm = Pixels.ToTensor(img, TensorLayout.Chw, mean, std);
        Assert.Equal((0.1f - 0.485f) / 0.229f, norm[0], 4);
        var back = Pixels.FromTensor(norm, 2, 1, 3, TensorLayout.Chw, mean, std);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(img.Data[i], back.Data[i], 5);
        }

        Assert.Throws<ArgumentException>(() => Pixels.ToTensor(img, TensorLayout.Chw, [1f, 2f]));
        Assert.Throws<ArgumentException>(() => Pixels.FromTensor(new float[5], 2, 1, 3));
    }

    [Fact]
    public void BinarizeFixedAndOtsu()
    {
        Assert.Equal([-1f, 1f, 1f, -1f], Pixels.Binarize([0.2f, 0.5f, 0.9f, float.NaN]));
        float[] bimodal = [.. Enumerable.Repeat(0.1f, 50), .. Enumerable.Repeat(0.3f, 10), .. Enumerable.Repeat(0.8f, 40)];
        float t = Pixels.OtsuThreshold(bimodal);
        Assert.InRange(t, 0.3f, 0.8f);
        var b = Pixels.BinarizeOtsu(bimodal);
        Assert.Equal(40, b.Count(v => v > 0));
        Assert.Equal(0.5f, Pixels.OtsuThreshold([0.7f, 0.7f]));
        Assert.Equal([0f, 0.5f, 1f], Pixels.FromBipolar([-1f, 0f, 3f]));
    }
}

internal static class PngHelpers
{
    internal static Image Gradient(int w, int h)
    {
        var img = new Image(w, h, 1);
        for (int i = 0; i < img.Data.Length; i++)
        {
            img.Data[i] = i / (float)(img.Data.Length - 1);
        }

        return img;
    }
}
