using Hopfield.ML;
using Hopfield.ML.Pipeline;

namespace DenoiseBeforeClassifier;

/// <summary>Loads the saved model once and predicts single images (thread-safe).</summary>
internal static class ModelConsumption
{
    public static string ModelPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "DenoiseBeforeClassifier.hopfield");

    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> Engine = new(() =>
    {
        var ctx = new HopfieldContext();
        var model = ctx.Model.Load(ModelPath);
        return ctx.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    });

    public static ModelOutput Predict(ModelInput input) => Engine.Value.Predict(input);
}
