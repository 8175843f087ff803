using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using Hopfield.ML.Classification;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

/// <summary>A stage defined outside the library, exactly as a Hopfield stage would be: one small class.</summary>
[PipelineStage("Test.AddOffsetThenDouble", Version = 2)]
public sealed class AddOffsetThenDoubleTransformer : VectorTransformerBase, ILoadableStage<AddOffsetThenDoubleTransformer>
{
    private readonly float[] _offset;

    public AddOffsetThenDoubleTransformer(string outputColumnName, string? inputColumnName, float[] offset, float label)
        : base(outputColumnName, inputColumnName, offset.Length)
    {
        _offset = offset;
        Label = label;
    }

    private AddOffsetThenDoubleTransformer(ModelLoadContext context)
        : base(context)
    {
        _offset = context.GetTensor("offset", InputSize);
        Label = context.StageVersion >= 2 ? context.GetSingle("label") : 0f;
    }

    public float Label { get; }

    public static AddOffsetThenDoubleTransformer Load(ModelLoadContext context) => new(context);

    protected override int GetOutputSize(int inputSize) => inputSize + 1;

    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        for (int r = 0; r < rowCount; r++)
        {
            var o = output.Slice(r * (inputSize + 1), inputSize + 1);
            TensorPrimitives.Add(input.Slice(r * inputSize, inputSize), _offset, o[..inputSize]);
            TensorPrimitives.Multiply(o[..inputSize], 2f, o[..inputSize]);
            o[inputSize] = Label;
        }
    }

    protected override void SaveCore(ModelSaveContext context)
    {
        context.AddTensor("offset", _offset);
        context.SetParameter("label", Label);
    }
}

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hopfield-model-tests-" + Guid.NewGuid().ToString("N"));

    public ModelFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (HopfieldContext Ctx, DataSet Train, ITransformer Model) FitPipeline()
    {
        var ctx = new HopfieldContext(seed: 5);
        var train = PipelineTestData.BlobSet(ctx, classes: 4, perClass: 30, dim: 6, seed: 2);
        var model = ctx.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ctx.Transforms.CopyColumns("Raw", "Features"))
            .Append(ctx.Transforms.Concatenate("Both", "Features", "Raw"))
            .Append(ctx.Classifiers.SoftmaxRegression(featureColumnName: "Both", maxIterations: 30))
            .Fit(train);
        return (ctx, train, model);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void SaveLoadRoundTripGivesIdenticalOutput()
    {
        var (ctx, train, model) = FitPipeline();
        string path = PathOf("model.hopfield");
        ctx.Model.Save(model, train.Schema, path);

        var loaded = ctx.Model.Load(path, out var schema);

        Assert.NotNull(schema);
        Assert.True(schema.SameAs(train.Schema));
        var expected = model.Transform(train);
        var actual = loaded.Transform(train);
        Assert.Equal(expected.Schema.ToString(), actual.Schema.ToString());
        Assert.Equal(expected.GetColumn("Score").GetFloats().ToArray(), actual.GetColumn("Score").GetFloats().ToArray());
        Assert.Equal(expected.GetColumn("PredictedLabel").GetKeys().ToArray(), actual.GetColumn("PredictedLabel").GetKeys().ToArray());
        var chain = Assert.IsType<TransformerChain<ITransformer>>(loaded);
        var last = Assert.IsType<MulticlassPredictionTransformer>(chain.LastTransformer);
        Assert.Equal(((TransformerChain<MulticlassPredictionTransformer>)model).LastTransformer!.TrainingLoss, last.TrainingLoss);
        Assert.Equal(["model.hopfield"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveOverwritesAtomicallyAndStreamsWork()
    {
        var (ctx, train, model) = FitPipeline();
        string path = PathOf("m.hopfield");
        File.WriteAllText(path, "old content");
        ctx.Model.Save(model, null, path);
        ctx.Model.Load(path, out var schema);
        Assert.Null(schema);
        Assert.Single(Directory.GetFiles(_dir));

        using var ms = new MemoryStream();
        ctx.Model.Save(model, train.Schema, ms);
        ms.Position = 0;
        var fromStream = ctx.Model.Load(ms, out _);
        using var ms2 = new MemoryStream();
        ctx.Model.Save(model, train.Schema, ms2);
        Assert.Equal(ms.ToArray(), ms2.ToArray());
        Assert.Equal(model.Transform(train).GetColumn("Score").GetFloats().ToArray(), fromStream.Transform(train).GetColumn("Score").GetFloats().ToArray());
    }

    [Fact]
    public void ExternalStageRegistersItselfAndRoundTripsTensorsAndParameters()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.FromArrays("X", new float[] { 1, 2, 3, 4 }, 2);
        var stage = new AddOffsetThenDoubleTransformer("Y", "X", [0.5f, -1f], float.NaN);
        string path = PathOf("custom.hopfield");
        ctx.Model.Save(stage, data.Schema, path);
        var loaded = Assert.IsType<AddOffsetThenDoubleTransformer>(ctx.Model.Load(path, out _));

        Assert.True(ModelStageRegistry.IsRegistered("Test.AddOffsetThenDouble"));
        Assert.True(float.IsNaN(loaded.Label));
        Assert.Equal(("Y", "X", 2), (loaded.OutputColumnName, loaded.InputColumnName, loaded.InputSize));
        var y = loaded.Transform(data).GetColumn("Y");
        Assert.Equal(3, y.VectorSize);
        Assert.Equal(new float[] { 3, 2 }, y.GetVector(0)[..2].ToArray());
        Assert.Equal(new float[] { 7, 6 }, y.GetVector(1)[..2].ToArray());
        Assert.Equal(new SchemaColumn("Y", ColumnKind.Vector, 3), loaded.GetOutputSchema(data.Schema)["Y"]);
    }

    [Fact]
    public void CorruptedPayloadIsRefusedNamingTheFile()
    {
        var (ctx, _, model) = FitPipeline();
        string path = PathOf("corrupt.hopfield");
        ctx.Model.Save(model, null, path);
        var bytes = File.ReadAllBytes(path);
        bytes[^40] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFileIsRefused()
    {
        var (ctx, _, model) = FitPipeline();
        string path = PathOf("short.hopfield");
        ctx.Model.Save(model, null, path);
        var bytes = File.ReadAllBytes(path);

        foreach (int keep in new[] { bytes.Length - 1, bytes.Length / 2, 20 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            var ex = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
            Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }

        File.WriteAllBytes(path, [.. bytes, 0]);
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherFormatOrVersionIsRefused()
    {
        var (ctx, _, model) = FitPipeline();
        string path = PathOf("v2.hopfield");
        ctx.Model.Save(model, null, path);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
        Assert.Contains("format version 2; this library reads version 1", ex.Message, StringComparison.Ordinal);

        string other = PathOf("model.zip");
        File.WriteAllBytes(other, Encoding.ASCII.GetBytes("PK\u0003\u0004 this is an ML.NET zip, not ours"));
        var ex2 = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(other, out _));
        Assert.Contains("is not a Hopfield.ML.Model file", ex2.Message, StringComparison.Ordinal);
        Assert.Contains(other, ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownStageAndNewerStageVersionAreRefusedWithChecksumIntact()
    {
        var ctx = new HopfieldContext(seed: 1);
        var stage = new ScalePixelsTransformer("Y", "X");
        string path = PathOf("stage.hopfield");
        ctx.Model.Save(stage, null, path);

        Rewrite(path, m => m.Replace("\"ScalePixels\"", "\"NoSuchStage\"", StringComparison.Ordinal));
        var ex = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
        Assert.Contains("stage 'NoSuchStage': unknown stage type", ex.Message, StringComparison.Ordinal);

        ctx.Model.Save(stage, null, path);
        Rewrite(path, m => m.Replace("\"version\": 1,\n    \"parameters\"", "\"version\": 9,\n    \"parameters\"", StringComparison.Ordinal));
        var ex2 = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
        Assert.Contains("layout version 9 is not supported", ex2.Message, StringComparison.Ordinal);

        ctx.Model.Save(stage, null, path);
        Rewrite(path, m => m.Replace("\"offset\": 0", "\"offset\": \"zero\"", StringComparison.Ordinal));
        var ex4 = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
        Assert.Contains("stage 'ScalePixels': parameter 'offset' has the wrong type", ex4.Message, StringComparison.Ordinal);

        ctx.Model.Save(stage, null, path);
        Rewrite(path, m => m.Replace("\"format\": \"Hopfield.ML.Model\"", "\"format\": 7", StringComparison.Ordinal));
        Assert.Contains("declares format", Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _)).Message, StringComparison.Ordinal);

        ctx.Model.Save(stage, null, path);
        Rewrite(path, m => m.Replace("\"scale\":", "\"scaleX\":", StringComparison.Ordinal));
        var ex3 = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
        Assert.Contains("stage 'ScalePixels': missing parameter 'scale'", ex3.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1f / 255f, 0f)]
    [InlineData(float.Epsilon, -0.1f)]
    [InlineData(float.MaxValue, 3.4028235E+38f)]
    [InlineData(-1e-30f, 123456.79f)]
    public void FloatParametersRoundTripExactly(float scale, float offset)
    {
        var ctx = new HopfieldContext(seed: 1);
        string path = PathOf("p.hopfield");
        ctx.Model.Save(new ScalePixelsTransformer("Y", "X", scale, offset), path);
        var loaded = Assert.IsType<ScalePixelsTransformer>(ctx.Model.Load(path));
        Assert.Equal(BitConverter.SingleToInt32Bits(scale), BitConverter.SingleToInt32Bits(loaded.Scale));
        Assert.Equal(BitConverter.SingleToInt32Bits(offset), BitConverter.SingleToInt32Bits(loaded.Offset));
    }

    [Fact]
    public void UnsaveableStageIsNamed()
    {
        var ctx = new HopfieldContext(seed: 1);
        var ex = Assert.Throws<InvalidOperationException>(() => ctx.Model.Save(new NoAttributeTransformer(), null, PathOf("x.hopfield")));
        Assert.Contains(nameof(NoAttributeTransformer), ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    /// <summary>Replaces the manifest text and rewrites lengths and checksum, so only the manifest content is wrong.</summary>
    private static void Rewrite(string path, Func<string, string> edit)
    {
        var bytes = File.ReadAllBytes(path);
        int m = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16));
        int p = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24));
        string manifest = Encoding.UTF8.GetString(bytes, 32, m);
        string edited = edit(manifest);
        Assert.NotEqual(manifest, edited);
        var newManifest = Encoding.UTF8.GetBytes(edited);
        var body = new byte[32 + newManifest.Length + p];
        bytes.AsSpan(0, 32).CopyTo(body);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(16), (ulong)newManifest.Length);
        newManifest.CopyTo(body, 32);
        bytes.AsSpan(32 + m, p).CopyTo(body.AsSpan(32 + newManifest.Length));
        File.WriteAllBytes(path, [.. body, .. SHA256.HashData(body)]);
    }

    private sealed class NoAttributeTransformer : ITransformer
    {
        public DataSchema GetOutputSchema(DataSchema inputSchema) => inputSchema;

        public void Save(ModelSaveContext context)
        {
        }

        public DataSet Transform(DataSet input) => input;
    }
}
