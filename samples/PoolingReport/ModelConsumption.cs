using Hopfield.ML;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace PoolingReport;

/// <summary>Loads the saved model once; pools bags and explains them (thread-safe).</summary>
internal static class ModelConsumption
{
    public static string ModelPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "PoolingReport.hopfield");

    private static readonly Lazy<(PredictionEngine<ModelInput, ModelOutput> Engine, HopfieldPoolTransformer Pool)> Loaded = new(() =>
    {
        var ctx = new HopfieldContext();
        var model = ctx.Model.Load(ModelPath);
        return (ctx.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model), (HopfieldPoolTransformer)model);
    });

    public static ModelOutput Predict(ModelInput input) => Loaded.Value.Engine.Predict(input);

    public static PoolingExplanation Explain(ModelInput input, IReadOnlyList<string>? itemNames = null) => Loaded.Value.Pool.Explain(input.Bag, itemNames);
}
