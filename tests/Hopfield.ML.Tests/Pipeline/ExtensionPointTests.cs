using System.Numerics.Tensors;
using Hopfield.ML.Classification;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

/// <summary>
/// A complete example of a retrieval stage as a HopfieldDenoise stage will be written: an estimator that needs a label
/// column, learns per-class k-means prototypes, and a transformer that replaces each row by its nearest prototype
/// (the β → ∞ limit of a modern Hopfield retrieval), with its tensors saved and loaded.
/// </summary>
[PipelineStage("Test.NearestPrototype")]
public sealed class NearestPrototypeTransformer : VectorTransformerBase, ILoadableStage<NearestPrototypeTransformer>
{
    private readonly float[] _prototypes;

    internal NearestPrototypeTransformer(string outputColumnName, string inputColumnName, int dimension, float[] prototypes)
        : base(outputColumnName, inputColumnName, dimension) => _prototypes = prototypes;

    private NearestPrototypeTransformer(ModelLoadContext context)
        : base(context)
    {
        _prototypes = context.GetTensor("prototypes", out var shape);
        if (shape.Length != 2 || shape[1] != InputSize)
        {
            throw context.Error($"tensor 'prototypes' must have shape [count, {InputSize}]");
        }
    }

    public int PrototypeCount => _prototypes.Length / InputSize;

    public static NearestPrototypeTransformer Load(ModelLoadContext context) => new(context);

    protected override void MapRows(ReadOnlySpan<float> input, int rowCount, int inputSize, Span<float> output)
    {
        for (int r = 0; r < rowCount; r++)
        {
            var row = input.Slice(r * inputSize, inputSize);
            int best = 0;
            float bestDistance = float.PositiveInfinity;
            for (int p = 0; p < PrototypeCount; p++)
            {
                float dist = TensorPrimitives.Distance(row, _prototypes.AsSpan(p * inputSize, inputSize));
                if (dist < bestDistance)
                {
                    (best, bestDistance) = (p, dist);
                }
            }

            _prototypes.AsSpan(best * inputSize, inputSize).CopyTo(output.Slice(r * inputSize, inputSize));
        }
    }

    protected override void SaveCore(ModelSaveContext context) => context.AddTensor("prototypes", _prototypes, PrototypeCount, InputSize);
}

public sealed class NearestPrototypeEstimator : VectorEstimatorBase<NearestPrototypeTransformer>
{
    private readonly string _labelColumnName;
    private readonly int _perClass;
    private readonly int _seed;

    internal NearestPrototypeEstimator(string outputColumnName, string? inputColumnName, string labelColumnName, int perClass, int seed)
        : base(outputColumnName, inputColumnName)
    {
        _labelColumnName = labelColumnName;
        _perClass = perClass;
        _seed = seed;
    }

    protected override void CheckOtherColumns(DataSchema inputSchema) => inputSchema.RequireKind(_labelColumnName, ColumnKind.Key);

    protected override NearestPrototypeTransformer FitCore(DataColumn inputColumn, DataSet data)
    {
        var labels = data.GetColumn(_labelColumnName);
        var protos = Prototypes.PerClass(inputColumn.GetFloats(), inputColumn.VectorSize, labels.GetKeys(), labels.Schema.KeyCount, _perClass, _seed);
        return new NearestPrototypeTransformer(OutputColumnName, InputColumnName, inputColumn.VectorSize, protos.Vectors);
    }
}

/// <summary>How a stage joins the catalog: an extension method on <see cref="TransformsCatalog"/>.</summary>
public static class NearestPrototypeCatalogExtensions
{
    public static NearestPrototypeEstimator NearestPrototype(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        string labelColumnName = "Label", int perClass = 2) =>
        new(outputColumnName, inputColumnName, labelColumnName, perClass, catalog.Context.NextSeed());
}

public sealed class ExtensionPointTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "hopfield-ext-" + Guid.NewGuid().ToString("N") + ".hopfield");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void CustomEstimatorPlugsIntoChainsSchemaAndModelFiles()
    {
        var ctx = new HopfieldContext(seed: 2);
        var train = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 40, dim: 4, seed: 1);
        var pipeline = ctx.Transforms.NearestPrototype("Clean", "Features", perClass: 2)
            .Append(ctx.Classifiers.SoftmaxRegression(featureColumnName: "Clean", maxIterations: 30));

        var schema = pipeline.GetOutputSchema(train.Schema);
        Assert.Equal(new SchemaColumn("Clean", ColumnKind.Vector, 4), schema["Clean"]);
        var missingLabel = Assert.Throws<SchemaMismatchException>(() => pipeline.Fit(train.DropColumns("Label")));
        Assert.Equal("Label", missingLabel.ColumnName);

        var model = pipeline.Fit(train);
        var stage = Assert.IsType<NearestPrototypeTransformer>(model.First());
        Assert.Equal(6, stage.PrototypeCount);
        var clean = model.Transform(train).GetColumn("Clean");
        Assert.Equal(6, Enumerable.Range(0, train.RowCount).Select(r => string.Join(",", clean.GetVector(r).ToArray())).Distinct().Count());

        ctx.Model.Save(model, train.Schema, _path);
        var loaded = ctx.Model.Load(_path, out _);
        Assert.Equal(model.Transform(train).GetColumn("Score").GetFloats().ToArray(), loaded.Transform(train).GetColumn("Score").GetFloats().ToArray());
        Assert.Equal(clean.GetFloats().ToArray(), loaded.Transform(train).GetColumn("Clean").GetFloats().ToArray());
    }
}
