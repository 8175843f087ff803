using FsCheck;
using FsCheck.Fluent;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Tests.Codecs;

/// <summary>Property tests: any image survives PNG and PNM encode/decode at 8 and 16 bits.</summary>
public class PropertyTests
{
    [Fact]
    public void PngAndPnmRoundTripArbitraryImages()
    {
        var gen =
            from w in Gen.Choose(1, 20)
            from h in Gen.Choose(1, 20)
            from c in Gen.Elements(1, 2, 3, 4)
            from il in Gen.Elements(false, true)
            from sixteen in Gen.Elements(false, true)
            from seed in Gen.Choose(0, int.MaxValue)
            select (w, h, c, il, sixteen, seed);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (w, h, c, il, sixteen, seed) = t;
            int max = sixteen ? 65535 : 255;
            var rng = new Random(seed);
            var img = new Image(w, h, c);
            for (int i = 0; i < img.Data.Length; i++)
            {
                img.Data[i] = rng.Next(max + 1) / (float)max;
            }

            var png = Png.Decode(Png.Encode(img, new PngWriteOptions { BitDepth = sixteen ? 16 : 8, Interlace = il }));
            bool ok = png.Data.SequenceEqual(img.Data);
            if (c is 1 or 3)
            {
                var pnm = Pnm.Decode(Pnm.Encode(img, PnmFormat.Auto, max));
                ok &= pnm.Data.SequenceEqual(img.Data);
            }

            return ok;
        }).QuickCheckThrowOnFailure();
    }
}
