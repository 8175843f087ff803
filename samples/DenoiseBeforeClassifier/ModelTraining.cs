using Hopfield.ML;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Pipeline;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace DenoiseBeforeClassifier;

/// <summary>Builds, evaluates and saves the pipeline: HopfieldDenoise (a memory of the training images) → softmax regression.</summary>
internal static class ModelTraining
{
    public static ITransformer Train(string modelPath)
    {
        var ctx = new HopfieldContext(seed: 1);
        var train = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Train);

        // A memory of the training images, compared by Manhattan distance; each training row is left out of its own
        // retrieval, so the classifier learns from retrieved images, the kind of input it gets at prediction time.
        var denoise = ctx.Transforms.HopfieldDenoise("Features", "Features", new HopfieldDenoiseEstimator.Options
        {
            Similarity = SimilarityFunction.NegativeManhattan,
            Beta = 0.25f,
            ExcludeIdentical = true,
        });
        var pipeline = denoise
            .Append(ctx.Classifiers.SoftmaxRegression(labelColumnName: "Label", featureColumnName: "Features", maxIterations: 100));

        Console.WriteLine($"Training on {train.RowCount} embedded Fashion-MNIST images …");
        var model = pipeline.Fit(train);

        var test = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Test);
        var metrics = ctx.Classifiers.Evaluate(model.Transform(test));
        Console.WriteLine($"Test accuracy (clean): {metrics.MicroAccuracy:P1}");

        ctx.Model.Save(model, train.Schema, modelPath);
        Console.WriteLine($"Saved the model to {modelPath}");
        return model;
    }
}
