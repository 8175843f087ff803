// Consumption part (Model Builder style): load the saved model once and answer single queries.
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML;
using Hopfield.ML.Pipeline;

namespace SemanticImageSearch;

/// <summary>One query: a 28×28 grey image, pixels in [0,1], row-major.</summary>
public sealed class ModelInput
{
    /// <summary>The image.</summary>
    [VectorSize(784)]
    public float[] Image { get; set; } = new float[784];

    /// <summary>The class (only used when training).</summary>
    [KeyCount(10)]
    public int Label { get; set; }
}

/// <summary>The answer: the stored image that is nearest in the SimCLR embedding space, and its class.</summary>
public sealed class ModelOutput
{
    /// <summary>The retrieved stored image.</summary>
    [VectorSize(784)]
    public float[] Retrieved { get; set; } = [];

    /// <summary>The class of the retrieved image.</summary>
    public int MatchLabel { get; set; }
}

/// <summary>Loads the model built by <see cref="SemanticImageSearchTraining"/> and predicts.</summary>
public static partial class SemanticImageSearchModel
{
    /// <summary>The model file written by training.</summary>
    public static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "SemanticImageSearch.hopfield");

    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> Engine = new(CreateEngine, isThreadSafe: true);

    /// <summary>Finds the stored image nearest to <paramref name="input"/> in embedding space.</summary>
    /// <param name="input">The query.</param>
    /// <returns>The retrieved image and its class.</returns>
    public static ModelOutput Predict(ModelInput input) => Engine.Value.Predict(input);

    private static PredictionEngine<ModelInput, ModelOutput> CreateEngine()
    {
        // Referencing a stage type loads Hopfield.ML.Onnx, whose [PipelineStage] types the model file names.
        _ = typeof(SemanticRetrieveTransformer);
        var ctx = new HopfieldContext();
        ITransformer model = ctx.Model.Load(ModelPath);
        return ctx.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    }
}
