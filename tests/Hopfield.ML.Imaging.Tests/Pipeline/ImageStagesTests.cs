using Hopfield.ML;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Pipeline;
using Hopfield.ML.Imaging.Processing;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Imaging.Tests.Pipeline;

public sealed class ImageStagesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hopfield-imgstages-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private DataSet WriteImages(HopfieldContext ctx)
    {
        // Two RGB 6×4 images: a red one, and a green one with a blue first pixel; plus a grey 3×2 one (converted and resized on load).
        var red = new Image(6, 4, 3);
        var green = new Image(6, 4, 3);
        for (int p = 0; p < 24; p++)
        {
            red.Data[p * 3] = 1f;
            green.Data[(p * 3) + 1] = 1f;
        }

        green.Data[1] = 0f;
        green.Data[2] = 1f;
        var grey = Image.FromGrey(3, 2, [0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f]);
        Png.Write(red, Path.Combine(_folder, "red.png"));
        Png.Write(green, Path.Combine(_folder, "green.png"));
        Png.Write(grey, Path.Combine(_folder, "grey.png"));
        return ctx.Data.LoadFromEnumerable([new PathRow { Path = "red.png" }, new PathRow { Path = "green.png" }, new PathRow { Path = "grey.png" }]);
    }

    public sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private static ITransformer RoundTrip(HopfieldContext ctx, ITransformer model, DataSet data, string folder, params string[] columns)
    {
        string path = System.IO.Path.Combine(folder, "model.hopfield");
        ctx.Model.Save(model, data.Schema, path);
        var loaded = ctx.Model.Load(path);
        var a = model.Transform(data);
        var b = loaded.Transform(data);
        foreach (var c in columns)
        {
            Assert.Equal(a.GetColumn(c).GetFloats().ToArray(), b.GetColumn(c).GetFloats().ToArray());
        }

        return loaded;
    }

    [Fact]
    public void LoadResizeGreyExtractPipeline()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = WriteImages(ctx);
        var rgb = new ImageShape(6, 4, 3);
        var pipeline = ctx.Transforms.LoadImages("Image", _folder, "Path", rgb)
            .Append(ctx.Transforms.ResizeImages("Small", 3, 2, rgb, "Image", ResizeMode.Area))
            .Append(ctx.Transforms.ConvertToGrayscale("Grey", rgb, "Image"))
            .Append(ctx.Transforms.ExtractPixels("Pixels", rgb, "Image", TensorLayout.Chw, offsets: [0.5f], scales: [2f, 1f, 4f]));

        var schema = pipeline.GetOutputSchema(data.Schema);
        Assert.Equal(new SchemaColumn("Image", ColumnKind.Vector, 72), schema["Image"]);
        Assert.Equal(new SchemaColumn("Small", ColumnKind.Vector, 18), schema["Small"]);
        Assert.Equal(new SchemaColumn("Grey", ColumnKind.Vector, 24), schema["Grey"]);
        Assert.Equal(new SchemaColumn("Pixels", ColumnKind.Vector, 72), schema["Pixels"]);

        var model = pipeline.Fit(data);
        var output = model.Transform(data);
        Assert.True(schema.SameAs(output.Schema));

        var image = output.GetColumn("Image");
        Assert.Equal([1f, 0f, 0f], image.GetVector(0)[..3].ToArray());
        Assert.Equal([0f, 0f, 1f], image.GetVector(1)[..3].ToArray());
        Assert.Equal([0f, 0f, 0f], image.GetVector(2)[..3].ToArray()); // grey 0 → RGB (0,0,0), resized from 3×2

        var grey = output.GetColumn("Grey");
        Assert.Equal(0.299f, grey.GetVector(0)[5], 2);
        Assert.Equal(0.587f, grey.GetVector(1)[5], 2);

        var pixels = output.GetColumn("Pixels").GetVector(0);
        Assert.Equal((1f - 0.5f) * 2f, pixels[0], 5);           // R plane first (CHW), scale 2
        Assert.Equal((0f - 0.5f) * 1f, pixels[24], 5);          // G plane, scale 1
        Assert.Equal((0f - 0.5f) * 4f, pixels[48], 5);          // B plane, scale 4

        RoundTrip(ctx, model, data, _folder, "Image", "Small", "Grey", "Pixels");
    }

    [Fact]
    public void BadSchemaAndFilesAreNamed()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = WriteImages(ctx);
        var rgb = new ImageShape(6, 4, 3);
        var load = ctx.Transforms.LoadImages("Image", _folder, "File", rgb);
        var ex = Assert.Throws<SchemaMismatchException>(() => load.GetOutputSchema(data.Schema));
        Assert.Equal("File", ex.ColumnName);

        var loaded = ctx.Transforms.LoadImages("Image", _folder, "Path", rgb).Fit(data).Transform(data);
        var wrong = Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.ConvertToGrayscale("Grey", new ImageShape(5, 4, 3), "Image").Fit(loaded));
        Assert.Equal("Image", wrong.ColumnName);
        Assert.Contains("60", wrong.Message, StringComparison.Ordinal);

        var missing = ctx.Data.LoadFromEnumerable([new PathRow { Path = "nope.png" }]);
        var err = Assert.ThrowsAny<Exception>(() => ctx.Transforms.LoadImages("Image", _folder, "Path", rgb).Fit(missing).Transform(missing));
        Assert.Contains("nope.png", err.ToString(), StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Transforms.LoadImages("Image", _folder, "Path", new ImageShape(6, 4, 2)));
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => ctx.Transforms.ExtractPixels("P", rgb, "Image", scales: [1f, 2f])).ParamName);
    }

    [Fact]
    public void EmbeddedAndIdxLoadersGiveImageFeaturesAndLabel()
    {
        var ctx = new HopfieldContext(seed: 1);
        var test = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Test);
        Assert.Equal(1000, test.RowCount);
        Assert.Equal(new SchemaColumn("Image", ColumnKind.Vector, 784), test.Schema["Image"]);
        Assert.Equal(new SchemaColumn("Features", ColumnKind.Vector, 784), test.Schema["Features"]);
        Assert.Equal(new SchemaColumn("Label", ColumnKind.Key, 1, 10), test.Schema["Label"]);
        var img = test.GetColumn("Image").GetVector(0).ToArray();
        var feat = test.GetColumn("Features").GetVector(0).ToArray();
        Assert.All(img, v => Assert.Equal(MathF.Round(v), v));
        Assert.Contains(img, v => v > 100);
        for (int j = 0; j < 784; j++)
        {
            Assert.Equal(img[j] / 255f, feat[j], 5);
        }

        string images = Path.Combine(_folder, "i.idx.gz"), labels = Path.Combine(_folder, "l.idx.gz");
        Idx.WriteImages(images, [new float[] { 0f, 1f, 0.5f, 0.25f }, new float[] { 1f, 1f, 0f, 0f }], 2, 2);
        Idx.WriteLabels(labels, [3, 1]);
        var small = ctx.Data.LoadIdx(images, labels);
        Assert.Equal(2, small.RowCount);
        Assert.Equal([3, 1], small.GetColumn("Label").GetKeys().ToArray());
        Assert.Equal(255f, small.GetColumn("Image").GetVector(0)[1]);
    }
}
